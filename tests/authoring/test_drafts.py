"""Drafts: opening, saving under optimistic locking, checking like `flask courses check`."""

import pytest
import sqlalchemy as sa

from training.authoring import drafts
from training.authoring.drafts import DraftError, StaleDraftError
from training.authoring.models import CourseDraft, DraftAsset
from training.content import services as content
from training.content.exporter import version_files
from training.content.validation import known_audience_codes, validate_catalogue
from training.extensions import db

from .conftest import LESSON, OTHER_LESSON, QUIZ, SLUG, stored_draft

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def test_opening_a_draft_copies_the_exported_files_of_the_newest_version(team):
    draft = drafts.open_draft(SLUG, team.owner)

    version = content.latest_version(SLUG)
    exported = version_files(version)
    assert draft.files == exported.texts
    assert sorted(draft.files) == [
        "01-decouvrir/01-les-trois-elements.md",
        "01-decouvrir/02-a-qui-signaler.md",
        "01-decouvrir/module.md",
        "02-verifier/01-quiz.md",
        "02-verifier/module.md",
        "course.md",
        "fiche-reflexe.md",
    ]
    assert {asset.path: asset.data for asset in draft.assets} == {
        path: image.data for path, image in exported.images.items()
    }
    assert (draft.revision, draft.base_version_id, draft.course_id) == (
        1,
        version.id,
        team.course.id,
    )


def test_a_course_has_one_open_draft_shared_by_its_authors(team):
    first = drafts.open_draft(SLUG, team.owner)
    drafts.save_file(first, OTHER_LESSON, "changé", 1, team.owner)

    again = drafts.open_draft(SLUG, team.admin)

    assert again.id == first.id
    assert again.files[OTHER_LESSON] == "changé"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseDraft)) == 1


def test_version_files_are_the_files_export_writes(team, tmp_path):
    version = content.latest_version(SLUG)

    folder = content.export_version(version, tmp_path)

    written = {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }
    files = version_files(version)
    expected = {path: text.encode() for path, text in files.texts.items()}
    expected |= {path: image.data for path, image in files.images.items()}
    assert written == expected


def test_saving_bumps_the_revision_and_records_who(team):
    draft = drafts.open_draft(SLUG, team.owner)

    drafts.save_file(
        draft, OTHER_LESSON, "---\nkind: lesson\r\ntitle: T\n---\nTexte", 1, team.admin
    )

    saved = stored_draft()
    assert saved.revision == 2
    assert saved.files[OTHER_LESSON] == "---\nkind: lesson\ntitle: T\n---\nTexte"
    assert saved.updated_by_id == team.admin.id


def test_a_save_on_an_older_revision_is_refused_and_loses_nothing(team):
    draft = drafts.open_draft(SLUG, team.owner)
    drafts.save_file(draft, OTHER_LESSON, "version de l'administrateur", 1, team.admin)

    with pytest.raises(StaleDraftError) as refused:
        drafts.save_file(draft, OTHER_LESSON, "version de la propriétaire", 1, team.owner)

    message = str(refused.value)
    assert message.startswith("Ce brouillon a été modifié par Bruno Admin le ")
    assert "rechargez la page" in message
    saved = stored_draft()
    assert (saved.revision, saved.files[OTHER_LESSON]) == (2, "version de l'administrateur")


def test_the_database_refuses_a_save_the_session_thought_current(team):
    """Two requests that both loaded revision 1: the one that writes second is refused by the
    conditional UPDATE, even though its own copy of the draft still says revision 1."""
    draft = drafts.open_draft(SLUG, team.owner)
    db.session.flush()
    db.session.execute(
        sa.update(CourseDraft)
        .where(CourseDraft.id == draft.id)
        .values(revision=2, files={**draft.files, OTHER_LESSON: "l'autre requête"})
        .execution_options(synchronize_session=False)
    )
    assert draft.revision == 1

    with pytest.raises(StaleDraftError):
        drafts.save_file(draft, OTHER_LESSON, "la mienne", 1, team.owner)

    assert stored_draft().files[OTHER_LESSON] == "l'autre requête"


@pytest.mark.parametrize(
    "path",
    [
        "../course.md",
        "01-decouvrir/../../etc.md",
        "01-decouvrir/..",
        "/etc/passwd",
        "01-decouvrir\\x.md",
        "01-decouvrir/sous-dossier/x.md",
        "images/x.md",
        "notes/x.md",
        "README.md",
        "01-decouvrir/.cache.md",
        "01-decouvrir/x.txt",
        "",
    ],
)
def test_a_path_outside_the_course_layout_is_refused(team, path):
    draft = drafts.open_draft(SLUG, team.owner)

    with pytest.raises(DraftError, match="Chemin refusé"):
        drafts.save_file(draft, path, "---\ntitle: x\n---\n", 1, team.owner)

    saved = stored_draft()
    assert (saved.revision, path in saved.files) == (1, False)


def test_a_new_step_and_a_deleted_one(team):
    draft = drafts.open_draft(SLUG, team.owner)
    step = "02-verifier/02-bilan.md"

    drafts.save_file(draft, step, "---\nkind: lesson\ntitle: Bilan\n---\nFin.", 1, team.owner)
    drafts.delete_file(draft, OTHER_LESSON, 2, team.owner)

    saved = stored_draft()
    assert step in saved.files
    assert OTHER_LESSON not in saved.files
    assert saved.revision == 3
    with pytest.raises(DraftError, match="course.md ne peut pas être supprimé"):
        drafts.delete_file(draft, "course.md", 3, team.owner)


def test_check_reports_a_quiz_error_with_its_file_and_line_as_the_command_does(team, tmp_path):
    draft = drafts.open_draft(SLUG, team.owner)
    broken = draft.files[QUIZ].replace("- (x) C'est un indicateur", "- ( ) C'est un indicateur")
    drafts.save_file(draft, QUIZ, broken, 1, team.owner)

    problems = drafts.check_draft(draft)

    question_line = 1 + broken.split("\n").index(
        "## Un salarié vous dit que son employeur garde son passeport « pour le protéger »."
        " Que retenez-vous ?"
    )
    assert [(p.path.as_posix(), p.line, p.message) for p in problems if p.is_error] == [
        (QUIZ, question_line, "aucune bonne réponse : marquez-la avec « (x) » ou « [x] »")
    ]
    # The same files on disk, checked as `flask courses check` does: the same problems.
    exported = content.export_version(content.latest_version(SLUG), tmp_path)
    (exported / QUIZ).write_text(broken, encoding="utf-8")
    on_disk = validate_catalogue(exported, known_audience_codes())
    assert [(p.path.relative_to(exported), p.line, p.message) for p in on_disk] == [
        (p.path, p.line, p.message) for p in problems
    ]


def test_the_draft_of_a_published_course_checks_clean(team):
    draft = drafts.open_draft(SLUG, team.owner)

    assert [problem for problem in drafts.check_draft(draft) if problem.is_error] == []


def test_an_image_is_checked_like_the_parser_checks_it(team):
    draft = drafts.open_draft(SLUG, team.owner)

    with pytest.raises(DraftError, match="image SVG refusée"):
        drafts.save_asset(draft, "images/piege.svg", SVG_WITH_SCRIPT, 1, team.owner)
    with pytest.raises(DraftError, match="n'est pas une image PNG valide"):
        drafts.save_asset(draft, "images/faux.png", b"GIF89a...", 1, team.owner)
    with pytest.raises(DraftError, match="Chemin d'image refusé"):
        drafts.save_asset(draft, "images/../course.md", PNG, 1, team.owner)
    with pytest.raises(DraftError, match="trop volumineux"):
        drafts.save_asset(draft, "images/gros.png", PNG + b"\x00" * 1024 * 1024, 1, team.owner)
    assert stored_draft().revision == 1

    asset = drafts.save_asset(draft, "images/schema.png", PNG, 1, team.owner)

    assert (asset.path, asset.content_type, stored_draft().revision) == (
        "images/schema.png",
        "image/png",
        2,
    )


def test_a_deleted_image_leaves_a_broken_link_reported_by_the_check(team):
    draft = drafts.open_draft(SLUG, team.owner)

    drafts.delete_asset(draft, "images/trois-elements.svg", 1, team.owner)

    errors = [str(problem) for problem in drafts.check_draft(draft) if problem.is_error]
    assert errors
    assert all("trois-elements.svg" in error for error in errors)
    assert {error.split(":")[0] for error in errors} == {"course.md", LESSON}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftAsset)) == 0


def test_a_new_course_starts_with_files_that_check_clean(team):
    draft = drafts.new_course_draft("traite-et-sante", "La traite : repères", team.other)

    assert draft.course_id is None
    assert draft.base_version_id is None
    assert [problem for problem in drafts.check_draft(draft) if problem.is_error] == []
    assert "title: 'La traite : repères'" in draft.files["course.md"]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("Avec Espaces", "Nom court invalide"),
        ("../x", "Nom court invalide"),
        (SLUG, "Une formation porte déjà"),
    ],
)
def test_a_new_course_needs_a_free_valid_slug(team, slug, message):
    with pytest.raises(DraftError, match=message):
        drafts.new_course_draft(slug, "Titre", team.other)


def test_two_new_courses_cannot_share_a_slug(team):
    drafts.new_course_draft("nouveau", "Un", team.other)

    with pytest.raises(DraftError, match="Un brouillon porte déjà"):
        drafts.new_course_draft("nouveau", "Deux", team.owner)


def test_a_learner_cannot_start_a_course(team):
    with pytest.raises(drafts.DraftPermissionError):
        drafts.new_course_draft("nouveau", "Titre", team.learner)


def test_each_author_sees_the_drafts_they_may_edit(team):
    course_draft = drafts.open_draft(SLUG, team.owner)
    started = drafts.new_course_draft("nouveau", "Nouveau", team.other)

    assert drafts.drafts_of_author(team.owner) == [course_draft]
    assert drafts.drafts_of_author(team.other) == [started]
    assert drafts.drafts_of_author(team.admin) == [course_draft, started]
    assert drafts.drafts_of_author(team.learner) == []
    assert not drafts.may_edit_draft(team.owner, started)
    with pytest.raises(drafts.DraftPermissionError):
        drafts.save_file(started, "course.md", "", 1, team.owner)


def test_discarding_a_draft_keeps_the_published_version(team):
    draft = drafts.open_draft(SLUG, team.owner)
    drafts.save_file(draft, OTHER_LESSON, "abandonné", 1, team.owner)

    drafts.discard_draft(draft, team.owner)

    assert stored_draft() is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftAsset)) == 0
    assert "abandonné" not in drafts.open_draft(SLUG, team.owner).files[OTHER_LESSON]
