"""The session's progress table, read from the database in a fixed number of queries.

What the table means (a participant's status, sorting, the filter) lives in table.py, without
the database; this module only gathers the figures.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates import services as certificates
from training.certificates.models import Certificate
from training.content.models import CourseVersion, Module, Step
from training.extensions import db
from training.learning.models import QuizAttempt, StepCompletion
from training.sessions.follow_up import stuck_quizzes
from training.sessions.models import Attendance, SessionDay, SessionMember, TrainingSession
from training.sessions.table import DayColumn, ParticipantRow, ProgressTable, QuizColumn
from training.timeutils import as_aware


def progress_table(session: TrainingSession) -> ProgressTable:
    """One row per member, in name order, computed in nine queries whatever their number.

    Progress counts the steps done of the version each member's enrolment follows (members may
    be on different versions); a quiz column is a quiz key of those versions, titled as in the
    newest of them. Last activity is the latest of joining, enrolling, a step done and a quiz
    attempt started or submitted.
    """
    days = list(
        db.session.scalars(
            sa.select(SessionDay)
            .where(SessionDay.session_id == session.id)
            .order_by(SessionDay.held_on)
        )
    )
    members = db.session.scalars(
        sa.select(SessionMember)
        .join(SessionMember.enrolment)
        .join(SessionMember.user)
        .options(contains_eager(SessionMember.enrolment), contains_eager(SessionMember.user))
        .where(SessionMember.session_id == session.id)
        .order_by(User.full_name, SessionMember.id)
    ).all()
    enrolments = {member.enrolment.id: member.enrolment for member in members}
    enrolment_ids = list(enrolments)
    version_ids = {enrolment.version_id for enrolment in enrolments.values()}

    steps = db.session.execute(
        sa.select(Step.version_id, Step.key, Step.kind, Step.title, CourseVersion.number)
        .join(Module, Module.id == Step.module_id)
        .join(CourseVersion, CourseVersion.id == Step.version_id)
        .where(Step.version_id.in_(version_ids))
        .order_by(CourseVersion.number.desc(), Module.position, Step.position)
    ).all()
    total_steps: dict[int, int] = {}
    quiz_keys_of: dict[int, set[str]] = {}
    quizzes: dict[str, QuizColumn] = {}
    for version_id, key, kind, title, _number in steps:
        total_steps[version_id] = total_steps.get(version_id, 0) + 1
        if kind == "quiz":
            quiz_keys_of.setdefault(version_id, set()).add(key)
            quizzes.setdefault(key, QuizColumn(key=key, title=title))

    done = {
        enrolment_id: (count, latest)
        for enrolment_id, count, latest in db.session.execute(
            sa.select(
                StepCompletion.enrolment_id,
                sa.func.count(StepCompletion.id),
                sa.func.max(StepCompletion.completed_at),
            )
            .join(Step, Step.id == StepCompletion.step_id)
            .join(Enrolment, Enrolment.id == StepCompletion.enrolment_id)
            .where(
                StepCompletion.enrolment_id.in_(enrolment_ids),
                Step.version_id == Enrolment.version_id,
            )
            .group_by(StepCompletion.enrolment_id)
        )
    }
    best_scores: dict[int, dict[str, int]] = {}
    attempted: dict[int, datetime] = {}
    for enrolment_id, key, version_id, best, latest in db.session.execute(
        sa.select(
            QuizAttempt.enrolment_id,
            Step.key,
            Step.version_id,
            sa.func.max(QuizAttempt.score),
            sa.func.max(sa.func.coalesce(QuizAttempt.submitted_at, QuizAttempt.started_at)),
        )
        .join(Step, Step.id == QuizAttempt.step_id)
        .where(QuizAttempt.enrolment_id.in_(enrolment_ids))
        .group_by(QuizAttempt.enrolment_id, Step.key, Step.version_id)
    ):
        if version_id != enrolments[enrolment_id].version_id:
            continue
        previous = attempted.get(enrolment_id)
        latest = as_aware(latest)
        attempted[enrolment_id] = latest if previous is None else max(previous, latest)
        if best is not None:
            best_scores.setdefault(enrolment_id, {})[key] = best

    certificate_of = {
        certificate.enrolment_id: certificate
        for certificate in db.session.scalars(
            sa.select(Certificate).where(Certificate.enrolment_id.in_(enrolment_ids))
        )
    }
    attendance: dict[int, dict[int, bool]] = {}
    for member_id, day_id, present in db.session.execute(
        sa.select(Attendance.member_id, Attendance.day_id, Attendance.present).where(
            Attendance.day_id.in_([day.id for day in days])
        )
    ):
        attendance.setdefault(member_id, {})[day_id] = present

    stuck: dict[int, set[str]] = {}
    for enrolment_id, key in stuck_quizzes(enrolment_ids):
        stuck.setdefault(enrolment_id, set()).add(key)

    today = certificates.paris_today()
    rows = []
    for member in members:
        enrolment = member.enrolment
        done_steps, last_step = done.get(enrolment.id, (0, None))
        certificate = certificate_of.get(enrolment.id)
        moments = [
            member.joined_at,
            enrolment.enrolled_at,
            last_step,
            attempted.get(enrolment.id),
            enrolment.completed_at,
        ]
        rows.append(
            ParticipantRow(
                member_id=member.id,
                full_name=member.user.full_name,
                profession=member.user.profession.name,
                done_steps=done_steps,
                total_steps=total_steps.get(enrolment.version_id, 0),
                best_scores=best_scores.get(enrolment.id, {}),
                has_attempts=enrolment.id in attempted,
                completed_at=enrolment.completed_at,
                certificate_status=(
                    certificates.status_of(certificate, today).kind if certificate else "none"
                ),
                certificate_code=certificate.code if certificate else None,
                attendance=attendance.get(member.id, {}),
                last_activity=max(as_aware(moment) for moment in moments if moment is not None),
                stuck_quizzes=frozenset(stuck.get(enrolment.id, ())),
            )
        )
    return ProgressTable(
        quizzes=list(quizzes.values()),
        days=[DayColumn(day.id, day.held_on, day.place) for day in days],
        rows=rows,
    )
