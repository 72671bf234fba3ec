"""Following participants up: an extra quiz attempt for someone stuck, reminders by e-mail.

Functions flush but never commit. Each guarantee is the database's: one extra attempt per
used-up quiz (unique (enrolment, quiz, attempts used)), one reminder per member and day
(unique (member, day)).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from training.accounts.models import User
from training.audit.services import record_event
from training.catalog.models import Enrolment
from training.content.models import Step
from training.extensions import db
from training.learning.grants import ExtraAttempt
from training.learning.models import QuizAttempt
from training.sessions.models import Reminder, SessionMember, TrainingSession
from training.sessions.services import SessionError

# --- extra attempts -------------------------------------------------------------------------


def stuck_quizzes(enrolment_ids: Iterable[int]) -> set[tuple[int, str]]:
    """(enrolment id, quiz key) of the quizzes of each enrolment's version whose attempts are
    all used (extra ones included), none passed and none open: where a trainer may grant one
    more. Two queries."""
    enrolment_ids = list(enrolment_ids)
    rows = db.session.execute(
        sa.select(
            QuizAttempt.enrolment_id,
            Step.id,
            Step.key,
            Step.max_attempts,
            sa.func.count(QuizAttempt.id),
            sa.func.count(QuizAttempt.submitted_at),
            sa.func.max(sa.case((QuizAttempt.passed.is_(True), 1), else_=0)),
        )
        .join(Step, Step.id == QuizAttempt.step_id)
        .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(
            QuizAttempt.enrolment_id.in_(enrolment_ids),
            Step.version_id == Enrolment.version_id,
            Step.max_attempts.is_not(None),
        )
        .group_by(QuizAttempt.enrolment_id, Step.id, Step.key, Step.max_attempts)
    ).all()
    granted = {
        (enrolment_id, step_id): count
        for enrolment_id, step_id, count in db.session.execute(
            sa.select(
                ExtraAttempt.enrolment_id, ExtraAttempt.step_id, sa.func.count(ExtraAttempt.id)
            )
            .where(ExtraAttempt.enrolment_id.in_(enrolment_ids))
            .group_by(ExtraAttempt.enrolment_id, ExtraAttempt.step_id)
        )
    }
    return {
        (enrolment_id, key)
        for enrolment_id, step_id, key, maximum, used, submitted, passed in rows
        if not passed
        and used == submitted
        and used >= maximum + granted.get((enrolment_id, step_id), 0)
    }


def grant_extra_attempt(
    trainer: User, session: TrainingSession, member_id: int, quiz_key: str
) -> ExtraAttempt:
    """One more attempt at `quiz_key` for a member of `session` who used every attempt
    without passing; audited with the trainer. SessionError otherwise, in French.

    Two grants of the same used-up state (a double click, two trainers) make one: the second
    meets the unique constraint and is refused.
    """
    member = db.session.get(SessionMember, member_id)
    if member is None or member.session_id != session.id:
        raise SessionError("Cette personne ne participe pas à cette session.")
    enrolment = member.enrolment
    step = db.session.scalar(
        sa.select(Step).where(
            Step.version_id == enrolment.version_id, Step.key == quiz_key, Step.kind == "quiz"
        )
    )
    if step is None or (enrolment.id, quiz_key) not in stuck_quizzes([enrolment.id]):
        raise SessionError(
            "Une tentative supplémentaire ne s'accorde qu'à une personne qui a utilisé toutes "
            "ses tentatives sans réussir le quiz."
        )
    used = db.session.scalar(
        sa.select(sa.func.count(QuizAttempt.id)).where(
            QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.step_id == step.id
        )
    )
    grant = ExtraAttempt(
        enrolment_id=enrolment.id, step_id=step.id, after_attempts=used, granted_by_id=trainer.id
    )
    try:
        with db.session.begin_nested():
            db.session.add(grant)
    except IntegrityError:
        raise SessionError("Une tentative supplémentaire vient déjà d'être accordée.") from None
    record_event(
        trainer,
        "session.attempt_granted",
        "user",
        member.user_id,
        session=session.id,
        quiz=quiz_key,
        after_attempts=used,
        trainer=trainer.full_name,
    )
    return grant


# --- reminders ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderPlan:
    #: Members who have not finished and were not reminded today.
    recipients: list[SessionMember]
    #: Members who have not finished but already had today's reminder.
    reminded_today: list[SessionMember]
    #: Members who have not finished but whose account an admin deactivated: never reminded.
    deactivated: list[SessionMember]


def plan_reminders(session: TrainingSession, today: date) -> ReminderPlan:
    """Who a reminder sent now would reach: members who have not started or not finished, whose
    account is active (a deactivated account can no longer log in to resume), and who were not
    reminded today. Two queries.

    Unconfirmed addresses need no rule: joining a session requires a confirmed address, and an
    address once confirmed stays so.
    """
    members = db.session.scalars(
        sa.select(SessionMember)
        .join(SessionMember.enrolment)
        .join(SessionMember.user)
        .options(contains_eager(SessionMember.user))
        .where(SessionMember.session_id == session.id, Enrolment.completed_at.is_(None))
        .order_by(User.full_name, SessionMember.id)
    ).all()
    unfinished = [member for member in members if member.user.deactivated_at is None]
    reminded = set(
        db.session.scalars(
            sa.select(Reminder.member_id).where(
                Reminder.member_id.in_([member.id for member in unfinished]),
                Reminder.sent_on == today,
            )
        )
    )
    return ReminderPlan(
        recipients=[m for m in unfinished if m.id not in reminded],
        reminded_today=[m for m in unfinished if m.id in reminded],
        deactivated=[m for m in members if m.user.deactivated_at is not None],
    )


def record_reminders(trainer: User, session: TrainingSession, today: date) -> list[SessionMember]:
    """Claim today's reminder of every member who has not finished; returns those claimed.

    Each claim is an insert in its own savepoint: a member already reminded today (by this
    trainer a minute ago, or by a concurrent request) meets the unique (member, day)
    constraint and is left out, so that nobody gets two reminders a day. The caller sends
    the mails once the claims are committed (and may `release_reminders` those that failed).
    """
    claimed = []
    for member in plan_reminders(session, today).recipients:
        try:
            with db.session.begin_nested():
                db.session.add(Reminder(member_id=member.id, sent_on=today, sent_by_id=trainer.id))
        except IntegrityError:
            continue
        claimed.append(member)
    if claimed:
        record_event(trainer, "session.reminded", "session", session.id, recipients=len(claimed))
    return claimed


def release_reminders(members: Iterable[SessionMember], today: date) -> None:
    """Forget today's reminder of members whose mail could not be sent, so it can be again."""
    ids = [member.id for member in members]
    if ids:
        db.session.execute(
            sa.delete(Reminder).where(Reminder.member_id.in_(ids), Reminder.sent_on == today)
        )
        db.session.flush()
