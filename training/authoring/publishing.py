"""Publishing a draft as the next version of its course, and what publishing would change.

The draft is read as a course folder (drafts.read_draft) and the course read is published by the
importer of `flask courses import`: a course published from the editor is the course its files
would import to. Functions flush and never commit: the view commits once.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from training.accounts.models import Role, User
from training.audit.services import record_event
from training.authoring import authors
from training.authoring.drafts import (
    DraftError,
    StaleDraftError,
    read_draft,
    require_may_edit,
)
from training.authoring.models import CourseDraft
from training.catalog.models import Enrolment
from training.content.importer import ReviewNotesError, import_parsed_courses
from training.content.models import CourseVersion, Module, Step
from training.content.problems import Problem
from training.content.review import LocatedReviewNote
from training.content.services import find_version, latest_version
from training.extensions import db
from training.timeutils import french_datetime

MAX_CHANGE_NOTE = 2000


class DraftCheckError(DraftError):
    """The draft has errors: it cannot be published (nor its impact measured)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = sum(problem.is_error for problem in problems)
        errors = "une erreur" if count == 1 else f"{count} erreurs"
        super().__init__(f"Le brouillon contient {errors} : corrigez-les avant de publier.")

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]


class DraftReviewNotesError(DraftError):
    """The draft holds open review notes and no admin confirmed publishing it anyway."""

    def __init__(self, notes: list[LocatedReviewNote], by_admin: bool) -> None:
        self.notes = notes
        count = "un point" if len(notes) == 1 else f"{len(notes)} points"
        if by_admin:
            advice = "confirmez la publication malgré eux, ou traitez-les d'abord."
        else:
            advice = (
                "traitez-les avant de publier ; seul un administrateur peut publier une"
                " formation qui en contient encore."
            )
        super().__init__(f"Le brouillon contient {count} « À valider » : {advice}")


@dataclass(frozen=True)
class Impact:
    """What publishing a draft would change, shown before the author confirms."""

    #: The version learners are enrolled on today; None for a course never published.
    current_number: int | None
    next_number: int
    #: Step keys ("<module>/<step>"), in the order of the course (removed: of the current one).
    added: list[str]
    removed: list[str]
    #: Steps whose content (text, questions, settings, images) differs: a learner who switches
    #: version does them again; the others keep their completion.
    changed: list[str]
    #: Whether anything differs at all (course settings and introductions included).
    content_changed: bool
    #: Enrolments on the current version: they stay on it until each learner chooses to switch.
    enrolled: int
    #: Of these, the ones not completed yet.
    in_progress: int
    review_notes: list[LocatedReviewNote]
    #: A version published since the draft was opened (from files): publishing is refused.
    newer_version: int | None = None


def impact_of_publishing(draft: CourseDraft) -> Impact:
    """What publishing the draft would change: steps added, removed and changed (by key and
    content hash, as the learners' progress sees them), and how many learners are enrolled on
    the current version (they stay on it until they choose to switch).

    Raises DraftCheckError if the draft has errors.
    """
    course, problems = read_draft(draft)
    if course is None:
        raise DraftCheckError(problems)
    current = latest_version(draft.slug)
    new_hashes = {step.key: step.content_hash for step in course.steps}
    old_hashes: dict[str, str] = {}
    enrolled = in_progress = 0
    if current is not None:
        old_hashes = dict(
            db.session.execute(
                sa.select(Step.key, Step.content_hash)
                .join(Step.module)
                .where(Step.version_id == current.id)
                .order_by(Module.position, Step.position)
            ).all()
        )
        enrolled, in_progress = db.session.execute(
            sa.select(
                sa.func.count(Enrolment.id),
                sa.func.count(Enrolment.id).filter(Enrolment.completed_at.is_(None)),
            ).where(Enrolment.version_id == current.id)
        ).one()
    newer = current is not None and current.id != draft.base_version_id
    return Impact(
        current_number=current.number if current else None,
        next_number=current.number + 1 if current else 1,
        added=[key for key in new_hashes if key not in old_hashes],
        removed=[key for key in old_hashes if key not in new_hashes],
        changed=[
            key for key, digest in new_hashes.items() if old_hashes.get(key, digest) != digest
        ],
        content_changed=current is None or current.content_hash != course.content_hash,
        enrolled=enrolled,
        in_progress=in_progress,
        review_notes=course.located_review_notes(),
        newer_version=current.number if newer else None,
    )


def publish_draft(
    draft: CourseDraft,
    user: User,
    change_note: str,
    confirm_review_notes: bool = False,
    *,
    expected_revision: int | None = None,
) -> CourseVersion:
    """Publish the draft as the course's next version, through the importer of `flask courses
    import`, then delete the draft.

    The version records the change note and `user`; an audit event « course.published » records
    them with the version number; a course without author gets one: the trainer who started a
    new course, else `user`. Learners keep the version they are enrolled on.

    Refuses (DraftError, nothing written): an empty change note; a draft with errors
    (DraftCheckError); a draft changed since `expected_revision` (StaleDraftError), when given;
    a draft identical to the current version; a draft opened before a version published since
    (from files); open review notes (DraftReviewNotesError) unless an admin confirms them.
    """
    require_may_edit(user, draft)
    note = change_note.strip()
    if not note:
        raise DraftError(
            "Décrivez ce qui change dans cette version : la note de version est obligatoire,"
            " elle figure dans l'historique de la formation."
        )
    if len(note) > MAX_CHANGE_NOTE:
        raise DraftError(f"La note de version tient en {MAX_CHANGE_NOTE} caractères au plus.")
    _lock(draft, expected_revision, user)
    course, problems = read_draft(draft)
    if course is None:
        raise DraftCheckError(problems)
    current = latest_version(draft.slug)
    if current is not None and current.id != draft.base_version_id:
        raise DraftError(
            f"La version {current.number} a été publiée le {french_datetime(current.published_at)},"
            " après l'ouverture de ce brouillon : publier celui-ci effacerait ses changements."
            " Copiez vos modifications, abandonnez ce brouillon et ouvrez-en un nouveau."
        )
    if current is not None and current.content_hash == course.content_hash:
        raise DraftError("Ce brouillon ne change rien à la version publiée : rien à publier.")
    accept = confirm_review_notes and user.has_role(Role.ADMIN)
    try:
        [result] = import_parsed_courses([course], accept_review_notes=accept)
    except ReviewNotesError as error:
        raise DraftReviewNotesError(error.notes, user.has_role(Role.ADMIN)) from None
    version = find_version(draft.slug, result.version_number)
    version.change_note = note
    version.published_by_id = user.id
    first_owner = (
        draft.created_by_id if draft.course_id is None and draft.created_by_id else user.id
    )
    authors.make_first_owner(version.course, first_owner)
    record_event(
        user,
        "course.published",
        "course",
        version.course_id,
        slug=draft.slug,
        version=version.number,
        note=note,
        accepted_review_notes=len(course.located_review_notes()),
    )
    db.session.delete(draft)
    db.session.flush()
    return version


def _lock(draft: CourseDraft, expected_revision: int | None, user: User) -> None:
    """Lock the draft's row for the rest of the transaction, so that it is published once and
    not saved meanwhile; DraftError if it is gone, StaleDraftError if it moved on."""
    current = db.session.scalar(
        sa.select(CourseDraft)
        .where(CourseDraft.id == draft.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if current is None:
        raise DraftError("Ce brouillon n'existe plus : il a été publié ou abandonné entre-temps.")
    if expected_revision is not None and current.revision != expected_revision:
        raise StaleDraftError.since(current, user)
