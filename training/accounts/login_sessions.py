"""Login sessions, kept in the database (user_sessions): opened at log-in, resumed on each
request, ended by log-out, from « Mes sessions actives », by a password change or reset and by
deactivation, and expired after an idle time and an absolute lifetime that depend on the role.

The session cookie holds a random secret (Flask-Login's user id, see User.get_id); the table
keeps only its SHA-256. Ending a session deletes its row, so that a copy of the cookie replayed
afterwards is anonymous, and its lifetime is the row's, whatever the cookie says.

Functions flush but never commit: the caller commits (what resuming writes is committed by the
request hook accounts.session_views.resume_login_session). Rows are deleted with single
statements whose row count says whether this request ended the session, so that a session
ended by two requests at once (a log-out and « Terminer » on another device) is recorded once
and neither request fails. What ends several sessions locks the user's row first, so that one
user's simultaneous changes (two devices ending each other's sessions, two password changes)
are taken one after the other, the second seeing what the first did.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from training.accounts.devices import device_label
from training.accounts.models import CurrentSession, Role, User, UserSession
from training.audit.services import record_event
from training.extensions import built_once, db
from training.timeutils import as_aware, utcnow

#: Roles that see other people's data or change what learners are taught: shorter sessions.
STAFF_ROLES = (Role.TRAINER, Role.MONITOR, Role.ADMIN)
#: `last_seen_at` is written at most this often, rather than on every request.
LAST_SEEN_PRECISION = timedelta(minutes=1)
#: Bulk statements leave the objects already loaded alone (they are not used afterwards).
NO_SYNC = {"synchronize_session": False}


class SessionNotFoundError(LookupError):
    """No such session among the user's: someone else's and one ended already look the same."""


class SessionEndedError(Exception):
    """The request's own session was ended meanwhile (from another device, by a password
    change): the request may no longer act for its user."""


@dataclass(frozen=True)
class SessionLimits:
    #: The session ends after this long without a request…
    idle: timedelta
    #: …and this long after the log-in, however active.
    lifetime: timedelta


def _limits(*, staff: bool) -> SessionLimits:
    prefix = "STAFF_" if staff else ""
    config = current_app.config
    return SessionLimits(
        idle=timedelta(minutes=config[f"{prefix}SESSION_IDLE_MINUTES"]),
        lifetime=timedelta(hours=config[f"{prefix}SESSION_MAX_HOURS"]),
    )


def limits_for(user: User) -> SessionLimits:
    """The role's limits (settings SESSION_* and STAFF_SESSION_*, justified in config.py)."""
    return _limits(staff=user.has_role(*STAFF_ROLES))


def expires_at(row: UserSession, limits: SessionLimits) -> datetime:
    """When the session ends if no request comes before."""
    return min(as_aware(row.last_seen_at) + limits.idle, as_aware(row.created_at) + limits.lifetime)


def hash_secret(secret: str) -> str:
    """SHA-256, hex. A fast hash is right for 256 random bits (see monitoring.tokens.hash_token),
    and a deterministic one lets the row be found by an indexed equality look-up."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _expired(limits: SessionLimits, now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(
        UserSession.last_seen_at <= now - limits.idle,
        UserSession.created_at <= now - limits.lifetime,
    )


def open_session(user: User, user_agent: str | None, now: datetime | None = None) -> CurrentSession:
    """A new session of `user` on the device that sent `user_agent`, with a fresh random secret
    (never one the browser brought: no session fixation); sets `user.current_session`. The
    user's expired sessions are deleted on the way."""
    now = now or utcnow()
    db.session.execute(
        sa.delete(UserSession)
        .where(UserSession.user_id == user.id, _expired(limits_for(user), now))
        .execution_options(**NO_SYNC)
    )
    secret = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        secret_hash=hash_secret(secret),
        created_at=now,
        last_seen_at=now,
        device=device_label(user_agent),
    )
    db.session.add(row)
    db.session.flush()
    user.current_session = CurrentSession(id=row.id, secret=secret)
    return user.current_session


def log_in(user: User, user_agent: str | None, now: datetime | None = None) -> CurrentSession:
    """Open a session after a log-in, recorded in the audit log with the device's name."""
    current = open_session(user, user_agent, now)
    record_event(user, "user.logged_in", "user", user.id, device=device_label(user_agent))
    return current


@dataclass(frozen=True)
class Resumed:
    """What resuming a session found."""

    #: The user, when the session is live; None otherwise.
    user: User | None
    #: The cookie pointed to a session that has just expired (and is now deleted).
    expired: bool = False
    #: Something was written: the caller commits.
    written: bool = False


@built_once
def _session_by_secret() -> sa.Select:
    return (
        sa.select(UserSession)
        .options(joinedload(UserSession.user))
        .where(UserSession.secret_hash == sa.bindparam("secret_hash"))
    )


def resume_session(secret: str, now: datetime | None = None) -> Resumed:
    """The user of the live session that `secret` opens, with `user.current_session` set and
    the session's last use brought up to date (at most once a minute). A session past its idle
    time or its lifetime, or of a deactivated account, is deleted; an unknown secret (a session
    ended, or a forged cookie) finds nobody."""
    now = now or utcnow()
    row = db.session.scalar(_session_by_secret(), {"secret_hash": hash_secret(secret)})
    if row is None:
        return Resumed(None)
    user = row.user
    if not user.is_active or now >= expires_at(row, limits_for(user)):
        _delete(UserSession.id == row.id)
        return Resumed(None, expired=user.is_active, written=True)
    written = now - as_aware(row.last_seen_at) >= LAST_SEEN_PRECISION
    if written:
        db.session.execute(
            sa.update(UserSession)
            .where(UserSession.id == row.id)
            .values(last_seen_at=now)
            .execution_options(**NO_SYNC)
        )
    user.current_session = CurrentSession(id=row.id, secret=secret)
    return Resumed(user, written=written)


def sessions_of(user: User, now: datetime | None = None) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            sa.select(UserSession)
            .where(UserSession.user_id == user.id, sa.not_(_expired(limits_for(user), now)))
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
    )


def _delete(*conditions: sa.ColumnElement[bool]) -> list[str]:
    """Delete the sessions matching `conditions`; the devices of those this statement deleted
    (none of those another request deleted first)."""
    return list(
        db.session.scalars(
            sa.delete(UserSession)
            .where(*conditions)
            .returning(UserSession.device)
            .execution_options(**NO_SYNC)
        )
    )


def lock_sessions_of(user: User) -> None:
    """Lock the user's row until the transaction ends, and read it afresh: changes to one
    user's sessions and password happen one at a time (PostgreSQL; SQLite has one writer)."""
    db.session.execute(
        sa.select(User)
        .where(User.id == user.id)
        .with_for_update(of=User, key_share=True)
        .execution_options(populate_existing=True)
    )


def require_current_session(user: User) -> CurrentSession:
    """The request's own session, if it still exists (call after lock_sessions_of):
    SessionEndedError if another request ended it meanwhile."""
    current = user.current_session
    if current is None or not db.session.scalar(
        sa.select(sa.func.count(UserSession.id)).where(UserSession.id == current.id)
    ):
        raise SessionEndedError()
    return current


def end_current_session(user: User) -> bool:
    """Log out: end the request's own session, recorded in the audit log. False, and nothing
    recorded, if another request ended it first (it was recorded there)."""
    current = user.current_session
    if current is None:
        return False
    devices = _delete(UserSession.id == current.id)
    user.current_session = None
    if devices:
        record_event(user, "user.logged_out", "user", user.id, device=devices[0])
    return bool(devices)


def end_session(user: User, session_id: int) -> str:
    """End one of `user`'s sessions (« Terminer » on « Mes sessions actives »), recorded in the
    audit log; returns its device's name. SessionNotFoundError if it is someone else's, or
    ended already."""
    devices = _delete(UserSession.id == session_id, UserSession.user_id == user.id)
    if not devices:
        raise SessionNotFoundError(session_id)
    record_event(user, "user.session_ended", "user", user.id, device=devices[0])
    return devices[0]


def end_other_sessions(user: User) -> int:
    """End every session of `user` but the request's own; returns how many ended, recorded in
    the audit log when there were any. SessionEndedError if the request's own session was
    ended meanwhile: of two devices ending each other's sessions at once, one wins."""
    lock_sessions_of(user)
    current = require_current_session(user)
    ended = len(_delete(UserSession.user_id == user.id, UserSession.id != current.id))
    if ended:
        record_event(user, "user.other_sessions_ended", "user", user.id, ended_sessions=ended)
    return ended


def end_all_sessions(user: User) -> int:
    """End every session of `user` (password change or reset, deactivation); returns how many.
    The caller locks the user's row (lock_sessions_of) and records why."""
    user.current_session = None
    return len(_delete(UserSession.user_id == user.id))


def purge_expired_sessions(now: datetime | None = None) -> int:
    """Delete every expired session, of every user (`flask users purge-sessions`, daily): a
    session nobody came back to is not kept beyond its lifetime. Returns how many."""
    now = now or utcnow()
    staff_roles = [role.value for role in STAFF_ROLES]
    ended = 0
    for staff, users in (
        (True, sa.select(User.id).where(User.role.in_(staff_roles))),
        (False, sa.select(User.id).where(User.role.not_in(staff_roles))),
    ):
        ended += db.session.execute(
            sa.delete(UserSession)
            .where(UserSession.user_id.in_(users), _expired(_limits(staff=staff), now))
            .execution_options(**NO_SYNC)
        ).rowcount
    return ended
