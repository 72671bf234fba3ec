"""Retention: an account nobody has used for ACCOUNT_RETENTION_MONTHS is erased.

`flask privacy purge` (from cron, daily or weekly) first warns by e-mail, INACTIVITY_NOTICE_DAYS
ahead, each account about to reach that age; a log-in in the meantime keeps it. An account
warned at least that many days ago, still unused since, and old enough, is erased (erasure.py)
with its certificates kept verifiable until they expire, as the privacy notice promises.
Administrators are never purged: a platform must keep its administrators (an admin erases an
administrator's account by hand). Running it twice does nothing more than once.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from training.accounts.models import Role, User
from training.extensions import db
from training.privacy import erasure
from training.timeutils import utcnow


def last_activity() -> sa.ColumnElement[datetime]:
    """The last time an account was used: its last log-in, or its creation if it never
    logged in."""
    return sa.func.coalesce(User.last_login_at, User.created_at)


@dataclass
class PurgeReport:
    warned: list[User] = field(default_factory=list)
    erased: list[User] = field(default_factory=list)
    #: Accounts old enough but kept, with the reason (the last owner of a course, for one).
    kept: list[tuple[User, str]] = field(default_factory=list)


def retention_cutoff(now: datetime) -> datetime:
    """Accounts last used before this moment have reached the retention period."""
    months = current_app.config["ACCOUNT_RETENTION_MONTHS"]
    return now - timedelta(days=round(months * 365.25 / 12))


def _purgeable() -> sa.ColumnElement[bool]:
    return sa.and_(User.erased_at.is_(None), User.role != Role.ADMIN.value)


def accounts_to_warn(now: datetime) -> list[User]:
    """Unwarned accounts (or warned before their last use) that reach retention within the
    notice period."""
    notice = timedelta(days=current_app.config["INACTIVITY_NOTICE_DAYS"])
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                _purgeable(),
                last_activity() < retention_cutoff(now) + notice,
                sa.or_(
                    User.inactivity_warned_at.is_(None),
                    User.inactivity_warned_at < last_activity(),
                ),
            )
            .order_by(User.id)
        )
    )


def accounts_to_erase(now: datetime) -> list[User]:
    """Accounts warned long enough ago, not used since, and past retention."""
    notice = timedelta(days=current_app.config["INACTIVITY_NOTICE_DAYS"])
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                _purgeable(),
                last_activity() < retention_cutoff(now),
                User.inactivity_warned_at.is_not(None),
                User.inactivity_warned_at >= last_activity(),
                User.inactivity_warned_at <= now - notice,
            )
            .order_by(User.id)
        )
    )


def purge(*, dry_run: bool, now: datetime | None = None) -> PurgeReport:
    """Warn, then erase, as the module says. With `dry_run`, only say what would be done.

    Warned accounts are marked here; the caller commits, then sends the warnings
    (mails.send_inactivity_warning) so that no e-mail announces a change that was not kept.
    """
    now = now or utcnow()
    report = PurgeReport()
    for user in accounts_to_erase(now):
        try:
            if not dry_run:
                with db.session.begin_nested():
                    erasure.erase_account(user, keep_certificates=True, actor=None)
        except erasure.ErasureError as error:
            report.kept.append((user, str(error)))
        else:
            report.erased.append(user)
    for user in accounts_to_warn(now):
        if user in report.erased:
            continue
        if not dry_run:
            user.inactivity_warned_at = now
        report.warned.append(user)
    db.session.flush()
    return report
