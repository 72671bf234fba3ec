"""Changes that other features follow, noted in the current transaction.

A feature that changes an enrolment or an account says so here; the monitoring summary
(training.monitoring.summary) brings its figures up to date just before that transaction
commits, so the summary and the change are committed together or not at all. Nothing here
imports monitoring: it reads the notes, nobody calls it.
"""

from training.extensions import db

#: Keys of `Session.info` holding the ids noted in the current transaction.
CHANGED_ENROLMENTS = "changed_enrolments"
CHANGED_ACCOUNTS = "changed_accounts"


def enrolment_changed(enrolment_id: int) -> None:
    """An enrolment, its progress, attempts or certificate changed in this transaction."""
    db.session.info.setdefault(CHANGED_ENROLMENTS, set()).add(enrolment_id)


def account_changed(user_id: int) -> None:
    """An account was created, confirmed, moved to another profession or territory, or its
    role changed, in this transaction."""
    db.session.info.setdefault(CHANGED_ACCOUNTS, set()).add(user_id)
