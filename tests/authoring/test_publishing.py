"""Publishing a draft: the refusals, the new version, the learners, the audit trail, the impact."""

import pytest
import sqlalchemy as sa

from training.audit.models import AuditEvent
from training.authoring import drafts
from training.authoring.authors import course_authors
from training.authoring.drafts import DraftError, StaleDraftError
from training.authoring.history import draft_diff, version_diff
from training.authoring.models import CourseDraft
from training.authoring.publishing import (
    DraftCheckError,
    DraftReviewNotesError,
    impact_of_publishing,
    publish_draft,
)
from training.catalog.services import enrol
from training.content import services as content
from training.content.models import CourseVersion
from training.content.parser import parse_course
from training.extensions import db

from .conftest import LESSON, OTHER_LESSON, QUIZ, SLUG, stored_draft, without_note

NOTE = "Ajout du numéro 119 dans « À qui signaler »."


def changed_draft(team):
    """The owner's draft with the review note taken out and the second lesson changed."""
    draft = drafts.open_draft(SLUG, team.owner)
    drafts.save_file(draft, LESSON, without_note(draft.files[LESSON]), 1, team.owner)
    text = draft.files[OTHER_LESSON].replace("le **119**", "le **119** (Allô enfance en danger)")
    drafts.save_file(draft, OTHER_LESSON, text, 2, team.owner)
    return draft


def version_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(CourseVersion))


def test_publishing_creates_the_next_version_with_the_hash_of_the_same_files(team, tmp_path):
    draft = changed_draft(team)
    files = dict(draft.files)

    version = publish_draft(draft, team.owner, f"  {NOTE}\n")

    assert version.number == 2
    assert content.latest_version(SLUG).id == version.id
    folder = tmp_path / SLUG
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    (folder / "images").mkdir()
    (folder / "images" / "trois-elements.svg").write_bytes(
        content.get_asset(version.id, "images/trois-elements.svg").data
    )
    assert version.content_hash == parse_course(folder).content_hash
    assert (version.change_note, version.published_by_id) == (NOTE, team.owner.id)
    assert stored_draft() is None


def test_publishing_records_an_audit_event_with_the_note(team):
    version = publish_draft(changed_draft(team), team.owner, NOTE)

    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course.published"))
    assert (event.actor_id, event.target_type, event.target_id) == (
        team.owner.id,
        "course",
        str(team.course.id),
    )
    assert event.details["note"] == NOTE
    assert event.details["version"] == version.number == 2


def test_an_enrolled_learner_stays_on_their_version(team, make_user):
    enrolment = enrol(team.learner, team.course)
    first_version = enrolment.version_id

    version = publish_draft(changed_draft(team), team.owner, NOTE)

    db.session.expire_all()
    assert enrolment.version_id == first_version != version.id
    assert content.latest_version(SLUG).id == version.id


@pytest.mark.parametrize("note", ["", "   \n  "])
def test_publishing_needs_a_change_note(team, note):
    draft = changed_draft(team)

    with pytest.raises(DraftError, match="la note de version est obligatoire"):
        publish_draft(draft, team.owner, note)

    assert version_count() == 1
    assert stored_draft() is not None


def test_a_draft_with_errors_is_not_published(team):
    draft = changed_draft(team)
    drafts.save_file(draft, QUIZ, draft.files[QUIZ].replace("(x)", "( )"), 3, team.owner)

    with pytest.raises(DraftCheckError) as refused:
        publish_draft(draft, team.owner, NOTE)

    assert {str(problem.path) for problem in refused.value.errors} == {QUIZ}
    assert version_count() == 1


def test_review_notes_stop_a_trainer(team):
    draft = drafts.open_draft(SLUG, team.owner)
    text = draft.files[OTHER_LESSON] + "\n\nUn ajout."
    drafts.save_file(draft, OTHER_LESSON, text, 1, team.owner)

    for confirm in (False, True):
        with pytest.raises(DraftReviewNotesError) as refused:
            publish_draft(draft, team.owner, NOTE, confirm_review_notes=confirm)
        assert "seul un administrateur" in str(refused.value)
        assert [note.location for note in refused.value.notes] == [f"{LESSON}:37"]
    assert version_count() == 1


def test_review_notes_need_an_admin_who_confirms(team):
    draft = drafts.open_draft(SLUG, team.owner)
    text = draft.files[OTHER_LESSON] + "\n\nUn ajout."
    drafts.save_file(draft, OTHER_LESSON, text, 1, team.owner)

    with pytest.raises(DraftReviewNotesError, match="confirmez"):
        publish_draft(draft, team.admin, NOTE)
    version = publish_draft(draft, team.admin, NOTE, confirm_review_notes=True)

    assert version.number == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "course.published"))
    assert event.details["accepted_review_notes"] == 1


def test_a_draft_identical_to_the_version_is_not_published(team):
    draft = drafts.open_draft(SLUG, team.owner)

    with pytest.raises(DraftError, match="ne change rien"):
        publish_draft(draft, team.admin, NOTE, confirm_review_notes=True)


def test_a_draft_saved_since_the_author_looked_is_not_published(team):
    draft = changed_draft(team)

    with pytest.raises(StaleDraftError):
        publish_draft(draft, team.owner, NOTE, expected_revision=2)

    assert publish_draft(draft, team.owner, NOTE, expected_revision=3).number == 2


def test_a_version_imported_since_the_draft_was_opened_is_not_overwritten(team, tmp_path):
    draft = changed_draft(team)
    content.export_version(content.latest_version(SLUG), tmp_path)
    quiz = tmp_path / SLUG / QUIZ
    quiz.write_text(quiz.read_text().replace("trois questions", "3 questions"), encoding="utf-8")
    content.import_courses([tmp_path / SLUG])

    with pytest.raises(DraftError, match="La version 2 a été publiée"):
        publish_draft(draft, team.owner, NOTE)

    assert impact_of_publishing(draft).newer_version == 2


def test_only_an_author_publishes(team):
    draft = changed_draft(team)

    with pytest.raises(drafts.DraftPermissionError):
        publish_draft(draft, team.other, NOTE)
    with pytest.raises(drafts.DraftPermissionError):
        drafts.open_draft(SLUG, team.other)


def test_a_new_course_is_owned_by_the_trainer_who_started_it(team):
    draft = drafts.new_course_draft("nouveau-cours", "Nouveau cours", team.other)
    with pytest.raises(DraftReviewNotesError):
        publish_draft(draft, team.other, "Première version.")

    version = publish_draft(draft, team.admin, "Première version.", True)

    assert (version.number, version.course.slug) == (1, "nouveau-cours")
    assert [(a.user_id, a.is_owner) for a in course_authors(version.course)] == [
        (team.other.id, True)
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseDraft)) == 0


def test_the_publisher_of_a_course_without_author_becomes_its_owner(team, example_course):
    for author in course_authors(team.course):
        db.session.delete(author)
    draft = drafts.open_draft(SLUG, team.admin)
    drafts.save_file(draft, LESSON, without_note(draft.files[LESSON]), 1, team.admin)

    publish_draft(draft, team.admin, NOTE)

    assert [(a.user_id, a.is_owner) for a in course_authors(team.course)] == [(team.admin.id, True)]


def test_impact_lists_changed_added_and_removed_steps_and_enrolled_learners(team):
    enrol(team.learner, team.course)
    draft = changed_draft(team)
    drafts.save_file(
        draft, "02-verifier/02-bilan.md", "---\nkind: lesson\ntitle: B\n---\nB.", 3, team.owner
    )

    impact = impact_of_publishing(draft)

    assert impact.changed == [
        "01-decouvrir/01-les-trois-elements",
        "01-decouvrir/02-a-qui-signaler",
    ]
    assert (impact.added, impact.removed) == (["02-verifier/02-bilan"], [])
    assert (impact.current_number, impact.next_number) == (1, 2)
    assert (impact.enrolled, impact.in_progress, impact.content_changed) == (1, 1, True)
    assert impact.review_notes == []
    assert impact.newer_version is None


def test_impact_of_an_unchanged_draft_is_nothing(team):
    impact = impact_of_publishing(drafts.open_draft(SLUG, team.owner))

    assert (impact.added, impact.removed, impact.changed, impact.content_changed) == (
        [],
        [],
        [],
        False,
    )
    assert len(impact.review_notes) == 1


def test_version_diff_shows_the_changed_line_of_the_changed_file_only(team):
    old = content.latest_version(SLUG)
    new = publish_draft(changed_draft(team), team.owner, NOTE)

    diffs = version_diff(old, new)

    assert [(diff.path, diff.status) for diff in diffs] == [
        (LESSON, "changed"),
        (OTHER_LESSON, "changed"),
    ]
    lines = diffs[1].lines
    changed = [line for line in lines if line[:1] in "+-" and line[:3] not in ("---", "+++")]
    assert changed == [
        "-Appelez le **119** ou transmettez une information préoccupante à la cellule"
        " départementale",
        "+Appelez le **119** (Allô enfance en danger) ou transmettez une information préoccupante"
        " à la cellule départementale",
    ]
    assert lines[:2] == (f"--- {OTHER_LESSON} (version 1)", f"+++ {OTHER_LESSON} (version 2)")


def test_draft_diff_shows_added_and_removed_files(team):
    draft = drafts.open_draft(SLUG, team.owner)
    drafts.delete_file(draft, OTHER_LESSON, 1, team.owner)
    drafts.save_asset(draft, "images/nouveau.png", b"\x89PNG\r\n\x1a\n", 2, team.owner)

    diffs = draft_diff(draft)

    assert [(diff.path, diff.status, diff.is_image) for diff in diffs] == [
        (OTHER_LESSON, "removed", False),
        ("images/nouveau.png", "added", True),
    ]
    assert diffs[0].lines[2:4] == ("@@ -1,15 +0,0 @@", "----")
