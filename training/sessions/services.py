"""Training sessions: creating and editing them, joining them, attendance and the progress table.

Functions flush but never commit: the view or command that calls them commits once. Who may see
a session is decided here (`session_for`), not in the views: a trainer gets only their own
sessions, an admin every one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from training.accounts.models import Role, Territory, User
from training.catalog import services as catalog
from training.certificates import services as certificates
from training.content.models import Course, CourseVersion
from training.content.services import latest_version
from training.extensions import built_once, db
from training.sessions.codes import generate_join_code
from training.sessions.models import Attendance, SessionDay, SessionMember, TrainingSession
from training.timeutils import utcnow

#: 31^8 codes: a clash is rare; five in a row would mean the generator is broken.
CODE_ATTEMPTS = 5
NAME_MAX_LENGTH = 200
PLACE_MAX_LENGTH = 200


class SessionError(Exception):
    """An action the rules refuse; the message is French and can be shown."""


@dataclass(frozen=True)
class DayPlan:
    """An in-person day as the trainer plans it."""

    held_on: date
    place: str


@dataclass(frozen=True)
class SessionPlan:
    """What the trainer fills in to create or edit a session."""

    name: str
    course: Course
    territory: Territory
    starts_on: date
    ends_on: date
    capacity: int | None
    days: Sequence[DayPlan] = ()


# --- creating and editing -------------------------------------------------------------------


def _check_plan(plan: SessionPlan) -> SessionPlan:
    """The plan with its texts tidied, or SessionError saying what is wrong."""
    name = " ".join(plan.name.split())
    if not name:
        raise SessionError("Indiquez le nom de la session.")
    if len(name) > NAME_MAX_LENGTH:
        raise SessionError(f"Le nom ne peut pas dépasser {NAME_MAX_LENGTH} caractères.")
    if plan.ends_on < plan.starts_on:
        raise SessionError("La date de fin doit être égale ou postérieure à la date de début.")
    if plan.capacity is not None and plan.capacity < 1:
        raise SessionError("La capacité doit être d'au moins une place.")
    if latest_version(plan.course.slug) is None:
        raise SessionError("Cette formation n'a pas de version publiée.")
    days = []
    for day in plan.days:
        place = " ".join(day.place.split())
        if not place or len(place) > PLACE_MAX_LENGTH:
            raise SessionError(
                f"Indiquez le lieu de chaque journée en présentiel ({PLACE_MAX_LENGTH} "
                "caractères au plus)."
            )
        if not plan.starts_on <= day.held_on <= plan.ends_on:
            raise SessionError(
                "Chaque journée en présentiel doit se tenir entre le début et la fin de la session."
            )
        days.append(DayPlan(day.held_on, place))
    if len({day.held_on for day in days}) != len(days):
        raise SessionError("Deux journées en présentiel ne peuvent pas avoir la même date.")
    return SessionPlan(
        name=name,
        course=plan.course,
        territory=plan.territory,
        starts_on=plan.starts_on,
        ends_on=plan.ends_on,
        capacity=plan.capacity,
        days=sorted(days, key=lambda day: day.held_on),
    )


def create_session(trainer: User, plan: SessionPlan) -> TrainingSession:
    """A new open session owned by `trainer`, with a fresh join code.

    A (rare) clash of random codes is retried with a new code in a savepoint.
    """
    plan = _check_plan(plan)
    for _ in range(CODE_ATTEMPTS):
        session = TrainingSession(
            name=plan.name,
            course_id=plan.course.id,
            territory_id=plan.territory.id,
            trainer_id=trainer.id,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            capacity=plan.capacity,
            join_code=generate_join_code(),
            days=[SessionDay(held_on=day.held_on, place=day.place) for day in plan.days],
        )
        try:
            with db.session.begin_nested():
                db.session.add(session)
        except IntegrityError:
            continue
        return session
    raise RuntimeError(f"No free join code after {CODE_ATTEMPTS} draws.")


def update_session(session: TrainingSession, plan: SessionPlan) -> None:
    """Apply the edited plan.

    The course cannot change once someone joined (their enrolment is in it), nor the capacity
    go below the number of members. Days are matched by date: a day kept keeps its attendance,
    a day removed loses it.
    """
    plan = _check_plan(plan)
    _lock(session)
    members = member_count(session)
    if plan.course.id != session.course_id and members:
        raise SessionError(
            "La formation ne peut plus être changée : des personnes ont déjà rejoint la session."
        )
    if plan.capacity is not None and plan.capacity < members:
        raise SessionError(
            f"La capacité ne peut pas être inférieure au nombre de participants ({members})."
        )
    session.name = plan.name
    session.course_id = plan.course.id
    session.territory_id = plan.territory.id
    session.starts_on, session.ends_on = plan.starts_on, plan.ends_on
    session.capacity = plan.capacity
    wanted = {day.held_on: day.place for day in plan.days}
    for day in list(session.days):
        if day.held_on in wanted:
            day.place = wanted.pop(day.held_on)
        else:
            session.days.remove(day)
    for held_on, place in wanted.items():
        session.days.append(SessionDay(held_on=held_on, place=place))
    db.session.flush()


def close_session(session: TrainingSession) -> None:
    """Nobody may join any more; members keep their place and their progress."""
    if session.closed_at is None:
        session.closed_at = utcnow()
        db.session.flush()


def reopen_session(session: TrainingSession) -> None:
    session.closed_at = None
    db.session.flush()


# --- finding --------------------------------------------------------------------------------


def session_for(user: User, session_id: int) -> TrainingSession | None:
    """The session if `user` runs it (or is an admin); None otherwise, as for an unknown id."""
    session = db.session.get(TrainingSession, session_id)
    if session is None:
        return None
    if user.has_role(Role.ADMIN):
        return session
    if user.has_role(Role.TRAINER) and session.trainer_id == user.id:
        return session
    return None


def session_by_code(code: str) -> TrainingSession | None:
    """The session with this stored code (normalise what people type first)."""
    return db.session.scalar(
        sa.select(TrainingSession)
        .where(TrainingSession.join_code == code)
        .options(selectinload(TrainingSession.days), joinedload(TrainingSession.trainer))
    )


@dataclass(frozen=True)
class SessionSummary:
    session: TrainingSession
    course_title: str
    members: int


def sessions_of_trainer(user: User) -> list[SessionSummary]:
    """The trainer's sessions (every session for an admin), newest first, with their numbers
    of members and their course's current title (two queries)."""
    members = (
        sa.select(sa.func.count(SessionMember.id))
        .where(SessionMember.session_id == TrainingSession.id)
        .scalar_subquery()
    )
    statement = (
        sa.select(TrainingSession, members)
        .options(joinedload(TrainingSession.territory), joinedload(TrainingSession.trainer))
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc())
    )
    if not user.has_role(Role.ADMIN):
        statement = statement.where(TrainingSession.trainer_id == user.id)
    rows = db.session.execute(statement).all()
    titles = _course_titles({session.course_id for session, _ in rows})
    return [
        SessionSummary(session, titles.get(session.course_id, ""), count) for session, count in rows
    ]


@dataclass(frozen=True)
class JoinedSession:
    """A session as « Mon parcours » lists it for one of its members."""

    id: int
    name: str
    trainer_name: str
    starts_on: date
    ends_on: date
    #: The in-person days, in date order: (date, place).
    days: tuple[tuple[date, str], ...]


def sessions_of_member(user: User) -> list[JoinedSession]:
    """The sessions the learner joined, the latest first, with their days (one query of plain
    rows: « Mon parcours » shows them on every visit)."""
    rows = db.session.execute(_sessions_of_member(), {"user_id": user.id})
    sessions = []
    for session_id, group in groupby(rows, key=lambda row: row.id):
        of_session = list(group)
        first = of_session[0]
        days = tuple((row.held_on, row.place) for row in of_session if row.held_on is not None)
        sessions.append(
            JoinedSession(
                session_id, first.name, first.trainer_name, first.starts_on, first.ends_on, days
            )
        )
    return sessions


@built_once
def _sessions_of_member() -> sa.Select:
    return (
        sa.select(
            TrainingSession.id,
            TrainingSession.name,
            User.full_name.label("trainer_name"),
            TrainingSession.starts_on,
            TrainingSession.ends_on,
            SessionDay.held_on,
            SessionDay.place,
        )
        .join(SessionMember, SessionMember.session_id == TrainingSession.id)
        .join(User, User.id == TrainingSession.trainer_id)
        .outerjoin(SessionDay, SessionDay.session_id == TrainingSession.id)
        .where(SessionMember.user_id == sa.bindparam("user_id"))
        .order_by(TrainingSession.starts_on.desc(), TrainingSession.id.desc(), SessionDay.held_on)
    )


def _course_titles(course_ids: Iterable[int]) -> dict[int, str]:
    """Course id -> title of its newest version, in one query."""
    newest = (
        sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("number"))
        .where(CourseVersion.course_id.in_(list(course_ids)))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    return dict(
        db.session.execute(
            sa.select(CourseVersion.course_id, CourseVersion.title).join(
                newest,
                sa.and_(
                    CourseVersion.course_id == newest.c.course_id,
                    CourseVersion.number == newest.c.number,
                ),
            )
        ).all()
    )


def course_title(session: TrainingSession) -> str:
    return _course_titles([session.course_id]).get(session.course_id, session.course.slug)


def missing_prerequisites(session: TrainingSession, user: User) -> list[catalog.Prerequisite]:
    """The prerequisites of the session's course that `user` has not completed: advice for the
    join page only, as joining is never refused for them (the trainer decides who attends)."""
    version = latest_version(session.course.slug)
    if version is None:
        return []
    return [p for p in catalog.prerequisites_of(version, user) if not p.done]


def member_count(session: TrainingSession) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(SessionMember.id)).where(SessionMember.session_id == session.id)
    )


def membership(session: TrainingSession, user: User) -> SessionMember | None:
    return db.session.scalar(
        sa.select(SessionMember).where(
            SessionMember.session_id == session.id, SessionMember.user_id == user.id
        )
    )


# --- joining --------------------------------------------------------------------------------


def why_not_joinable(session: TrainingSession, members: int, today: date) -> str | None:
    """The French reason nobody may join now, or None when one may."""
    if session.closed_at is not None:
        return "Cette session est close : il n'est plus possible de la rejoindre."
    if session.ends_on < today:
        return "Cette session est terminée : il n'est plus possible de la rejoindre."
    if session.capacity is not None and members >= session.capacity:
        return "Cette session est complète : toutes les places sont prises."
    return None


def _lock(session: TrainingSession) -> None:
    """Take the session row's lock until the transaction ends, and reload it.

    `SELECT … FOR UPDATE` on PostgreSQL; SQLite ignores it but lets one writer at a time.
    """
    db.session.execute(
        sa.select(TrainingSession)
        .where(TrainingSession.id == session.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def join_session(user: User, session: TrainingSession) -> SessionMember:
    """Make `user` a member of `session` and enrol them in its course; harmless twice.

    Refuses (SessionError, in French) a closed, ended or full session, and an account whose
    address is not confirmed yet. A member joining again gets their membership back, even once
    the session is closed or full. The course's prerequisites are not required: the trainer
    decides who attends (the join page shows them as advice).

    Capacity holds under concurrency: every join locks the session's row (`SELECT … FOR
    UPDATE`) before counting its members, so joins of the same session run one after the
    other and each counts the members the previous ones committed (READ COMMITTED reads the
    latest committed rows once the lock is granted). The unique (session, user) constraint
    makes a second membership of the same person impossible; a lost race returns the
    membership that won.
    """
    existing = membership(session, user)
    if existing is not None:
        return existing
    _lock(session)
    existing = membership(session, user)
    if existing is not None:
        return existing
    reason = why_not_joinable(session, member_count(session), certificates.paris_today())
    if reason is not None:
        raise SessionError(reason)
    course = db.session.get(Course, session.course_id)
    try:
        enrolment = catalog.enrol(user, course)
    except catalog.EnrolmentError as error:
        raise SessionError(str(error)) from None
    member = SessionMember(session_id=session.id, user_id=user.id, enrolment_id=enrolment.id)
    try:
        with db.session.begin_nested():
            db.session.add(member)
    except IntegrityError:
        return membership(session, user)
    return member


# --- attendance -----------------------------------------------------------------------------


def record_attendance(
    session: TrainingSession, member_ids: set[int], present: set[tuple[int, int]]
) -> None:
    """Set the attendance of the members `member_ids` (those shown on the page) on every day of
    the session: present for the (day id, member id) pairs in `present`, absent otherwise.
    Members left out (filtered off the page) keep what they had.

    An id of another session's day or member raises SessionError and writes nothing. The
    session row is locked so that two saves of the same session do not interleave.
    """
    _lock(session)
    day_ids = set(
        db.session.scalars(sa.select(SessionDay.id).where(SessionDay.session_id == session.id))
    )
    known_members = set(
        db.session.scalars(
            sa.select(SessionMember.id).where(SessionMember.session_id == session.id)
        )
    )
    if not member_ids <= known_members or any(
        day not in day_ids or member not in member_ids for day, member in present
    ):
        raise SessionError("Ces présences ne correspondent pas aux participants de cette session.")
    existing = {
        (attendance.day_id, attendance.member_id): attendance
        for attendance in db.session.scalars(
            sa.select(Attendance).where(
                Attendance.day_id.in_(day_ids), Attendance.member_id.in_(member_ids)
            )
        )
    }
    for day in day_ids:
        for member in member_ids:
            wanted = (day, member) in present
            attendance = existing.get((day, member))
            if attendance is None:
                db.session.add(Attendance(day_id=day, member_id=member, present=wanted))
            elif attendance.present != wanted:
                attendance.present = wanted
    db.session.flush()
