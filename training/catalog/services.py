"""The catalogue and enrolment: which courses a learner sees first, and enrolling in them.

Functions flush but never commit: the view or command that calls them commits once.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from training.accounts.models import User
from training.catalog.models import Enrolment
from training.certificates import services as certificates
from training.content import services as content
from training.content.models import Course, CourseVersion, Step
from training.events import enrolment_changed
from training.extensions import built_once, db
from training.learning.outline import outline_of
from training.published import kept


class EnrolmentError(Exception):
    """The learner may not enrol; the message is French and can be shown."""


@dataclass(frozen=True)
class Prerequisite:
    """A course to complete before enrolling in another, as the learner stands with it."""

    slug: str
    title: str
    #: True when the learner completed it (any version, any cycle) and that completion's
    #: certificate was not revoked: a revoked course no longer counts until taken again. An
    #: expired certificate still counts: the course was completed, only recertification is due.
    done: bool


class PrerequisitesError(EnrolmentError):
    """The learner has not completed the courses `missing` yet."""

    def __init__(self, missing: list[Prerequisite]) -> None:
        titles = ", ".join(f"« {prerequisite.title} »" for prerequisite in missing)
        which = "la formation" if len(missing) == 1 else "les formations"
        super().__init__(
            f"Pour vous inscrire à cette formation, terminez d'abord {which} {titles}."
        )
        self.missing = missing


@dataclass(frozen=True)
class PublishedCourse:
    """What a catalogue card shows of a published version: fixed for ever with the version,
    kept per process (training.published)."""

    version_id: int
    course_id: int
    slug: str
    title: str
    summary: str
    estimated_minutes: int
    #: Codes of the professions the version is meant for.
    audiences: tuple[str, ...]


def published_course(version_id: int) -> PublishedCourse:
    return kept("course cards", version_id, _load_published_course)


def _load_published_course(version_id: int) -> PublishedCourse:
    course_id, slug, title, summary, minutes, audiences = db.session.execute(
        _published_course(), {"version_id": version_id}
    ).one()
    return PublishedCourse(version_id, course_id, slug, title, summary, minutes, tuple(audiences))


@built_once
def _published_course() -> sa.Select:
    return (
        sa.select(
            CourseVersion.course_id,
            Course.slug,
            CourseVersion.title,
            CourseVersion.summary,
            CourseVersion.estimated_minutes,
            CourseVersion.audiences,
        )
        .join(Course, Course.id == CourseVersion.course_id)
        .where(CourseVersion.id == sa.bindparam("version_id"))
    )


@dataclass(frozen=True)
class CourseCard:
    course: PublishedCourse
    module_count: int
    step_count: int
    #: True when the course is meant for the learner's profession.
    recommended: bool
    enrolment: Enrolment | None
    done_steps: int
    #: Steps of the version the learner follows (an older one, until they switch).
    enrolled_step_count: int

    @property
    def status(self) -> str:
        """« not-started », « in-progress » or « completed »."""
        if self.enrolment is None:
            return "not-started"
        return "completed" if self.enrolment.completed_at else "in-progress"

    @property
    def percent(self) -> int:
        total = self.enrolled_step_count
        return (100 * self.done_steps) // total if total else 0


def latest_versions() -> list[CourseVersion]:
    """The newest published version of every course, in title order, without the texts of
    its presentation and fiche (loaded on first use): lists and filters show titles."""
    return list(db.session.scalars(_latest_versions()))


@built_once
def _latest_versions() -> sa.Select:
    return (
        sa.select(CourseVersion)
        .where(CourseVersion.id.in_(_newest_version_ids()))
        .options(joinedload(CourseVersion.course), *content.without_version_texts())
        .order_by(CourseVersion.title)
    )


@built_once
def _newest_version_ids() -> sa.Select:
    """The ids of every course's newest version, in title order."""
    newest = (
        sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("number"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    return (
        sa.select(CourseVersion.id)
        .join(
            newest,
            sa.and_(
                CourseVersion.course_id == newest.c.course_id,
                CourseVersion.number == newest.c.number,
            ),
        )
        .order_by(CourseVersion.title)
    )


def course_by_slug(slug: str) -> Course | None:
    return db.session.scalar(_course_by_slug(), {"slug": slug})


@built_once
def _course_by_slug() -> sa.Select:
    return sa.select(Course).where(Course.slug == sa.bindparam("slug"))


def course_and_enrolment(user: User, slug: str) -> tuple[Course | None, Enrolment | None]:
    """The course `slug` (None if unknown) and the learner's latest enrolment in it (None when
    not enrolled) with its version, in one query: what every step of a course starts with. The
    version's presentation and fiche are left out (loaded on first use)."""
    row = db.session.execute(_course_and_enrolment(), {"user_id": user.id, "slug": slug}).first()
    return (row[0], row[1]) if row is not None else (None, None)


@built_once
def _course_and_enrolment() -> sa.Select:
    return (
        sa.select(Course, Enrolment)
        .outerjoin(
            Enrolment,
            sa.and_(Enrolment.course_id == Course.id, Enrolment.user_id == sa.bindparam("user_id")),
        )
        .options(joinedload(Enrolment.version).options(*content.without_version_texts()))
        .where(Course.slug == sa.bindparam("slug"))
        .order_by(Enrolment.cycle.desc())
        .limit(1)
    )


def current_enrolment(user: User, course: Course) -> Enrolment | None:
    """The learner's latest enrolment in this course (the latest cycle)."""
    return db.session.scalar(
        sa.select(Enrolment)
        .where(Enrolment.user_id == user.id, Enrolment.course_id == course.id)
        .order_by(Enrolment.cycle.desc())
        .limit(1)
    )


def enrol(user: User, course: Course) -> Enrolment:
    """Enrol the learner on the newest version, or return the existing enrolment.

    A learner whose latest enrolment is completed and whose certificate has expired or was
    revoked is enrolled again, on the newest version, for a new cycle (recertification); the
    earlier enrolment and its certificate stay as they were.

    Harmless twice, even from two tabs at once: the unique (user, course, cycle) constraint
    makes the second insert fail, and the first enrolment is returned.
    """
    if not user.is_confirmed:
        raise EnrolmentError(
            "Confirmez d'abord votre adresse électronique : ouvrez le lien reçu par courriel."
        )
    existing = current_enrolment(user, course)
    if existing is not None and not certificates.recertification_due(existing):
        return existing
    enrolment = Enrolment(
        user_id=user.id,
        course_id=course.id,
        version_id=content.latest_version(course.slug).id,
        cycle=existing.cycle + 1 if existing is not None else 1,
        profession_id=user.profession_id,
        territory_id=user.territory_id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
    except IntegrityError:
        return current_enrolment(user, course)
    enrolment_changed(enrolment.id)
    return enrolment


def prerequisites_of(version: CourseVersion, user: User | None) -> list[Prerequisite]:
    """The published courses `version` names as prerequisites, in the order named, each with
    whether `user` (None: a visitor) completed it. Two queries at most."""
    if not version.prerequisites:
        return []
    newest = (
        sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("number"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    titles = dict(
        db.session.execute(
            sa.select(Course.slug, CourseVersion.title)
            .join(CourseVersion, CourseVersion.course_id == Course.id)
            .join(
                newest,
                sa.and_(
                    newest.c.course_id == CourseVersion.course_id,
                    newest.c.number == CourseVersion.number,
                ),
            )
            .where(Course.slug.in_(version.prerequisites))
        ).all()
    )
    completed: set[str] = set()
    if user is not None and titles:
        completed = set(
            db.session.scalars(
                sa.select(Course.slug)
                .join(Enrolment, Enrolment.course_id == Course.id)
                .where(
                    Enrolment.user_id == user.id,
                    Enrolment.completed_at.is_not(None),
                    ~certificates.revoked_certificate_exists(Enrolment.id),
                    Course.slug.in_(list(titles)),
                )
            )
        )
    # A prerequisite never published (imported apart, then removed) cannot be asked for.
    return [
        Prerequisite(slug=slug, title=titles[slug], done=slug in completed)
        for slug in version.prerequisites
        if slug in titles
    ]


def enrol_from_catalogue(user: User, course: Course) -> Enrolment:
    """Enrol as `enrol` does, once the prerequisites of the newest version are completed.

    A learner enrolled already keeps their enrolment (and may recertify) whatever the
    prerequisites say; joining a session does not go through here: its trainer decides who
    attends. Raises PrerequisitesError, listing the courses to complete first.
    """
    if user.is_confirmed and current_enrolment(user, course) is None:
        prerequisites = prerequisites_of(content.latest_version(course.slug), user)
        missing = [prerequisite for prerequisite in prerequisites if not prerequisite.done]
        if missing:
            raise PrerequisitesError(missing)
    return enrol(user, course)


def catalogue_for(user: User | None) -> list[CourseCard]:
    """Every course, those meant for the learner's profession first, with the learner's status.

    Two queries whatever the catalogue's size: the newest versions' ids, and the learner's
    enrolments with their numbers of steps done; what the cards show of each version, and its
    numbers of modules and steps, are read once per process.
    """
    courses = [
        published_course(version_id) for version_id in db.session.scalars(_newest_version_ids())
    ]
    enrolments: dict[int, tuple[Enrolment, int]] = {}
    if user is not None and user.is_authenticated:
        for enrolment, done_steps in db.session.execute(
            _enrolments_with_steps_done(), {"user_id": user.id}
        ):
            enrolments[enrolment.course_id] = (enrolment, done_steps)
    version_ids = {course.version_id for course in courses}
    version_ids |= {enrolment.version_id for enrolment, _ in enrolments.values()}
    outlines = {version_id: outline_of(version_id) for version_id in version_ids}
    counts = {
        version_id: (len(outline.modules), len(outline.steps))
        for version_id, outline in outlines.items()
    }
    profession = user.profession.code if user is not None and user.is_authenticated else None
    cards = []
    for course in courses:
        modules, steps = counts.get(course.version_id, (0, 0))
        enrolment, done_steps = enrolments.get(course.course_id, (None, 0))
        enrolled_version = enrolment.version_id if enrolment else course.version_id
        cards.append(
            CourseCard(
                course=course,
                module_count=modules,
                step_count=steps,
                recommended=profession in course.audiences,
                enrolment=enrolment,
                done_steps=done_steps,
                enrolled_step_count=counts.get(enrolled_version, (0, 0))[1],
            )
        )
    # The most general of the learner's courses (the common core, meant for every profession)
    # comes before the learner's own track; the others keep their title order.
    cards.sort(
        key=lambda card: (not card.recommended, -len(card.course.audiences) * card.recommended)
    )
    return cards


def _steps_done() -> sa.ScalarSelect:
    """The number of steps of its version an enrolment has done, as a column of a query on
    enrolments."""
    from training.learning.models import StepCompletion

    return (
        sa.select(sa.func.count(StepCompletion.id))
        .join(Step, Step.id == StepCompletion.step_id)
        .where(
            StepCompletion.enrolment_id == Enrolment.id,
            Step.version_id == Enrolment.version_id,
        )
        .scalar_subquery()
    )


@built_once
def _enrolments_with_steps_done() -> sa.Select:
    return (
        sa.select(Enrolment, _steps_done())
        .where(Enrolment.user_id == sa.bindparam("user_id"))
        .order_by(Enrolment.cycle)
    )


@dataclass(frozen=True)
class EnrolmentProgress:
    """One enrolment of a learner with its steps done, as the admin's account page lists it."""

    enrolment: Enrolment
    done_steps: int
    #: Steps of the version this enrolment follows.
    total_steps: int

    @property
    def is_completed(self) -> bool:
        return self.enrolment.completed_at is not None

    @property
    def percent(self) -> int:
        return (100 * self.done_steps) // self.total_steps if self.total_steps else 0


def enrolments_with_progress(user: User) -> list[EnrolmentProgress]:
    """Every enrolment of `user`, every cycle, newest first, with its progress (one query)."""
    done = _steps_done()
    total = (
        sa.select(sa.func.count(Step.id))
        .where(Step.version_id == Enrolment.version_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(Enrolment, done, total)
        .where(Enrolment.user_id == user.id)
        .options(joinedload(Enrolment.version), joinedload(Enrolment.course))
        .order_by(Enrolment.enrolled_at.desc(), Enrolment.id.desc())
    )
    return [
        EnrolmentProgress(enrolment, done_steps, total_steps)
        for enrolment, done_steps, total_steps in rows
    ]
