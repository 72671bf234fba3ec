"""GIFT and zip archives in the trainers' space: a GIFT file made into a quiz of the draft and a
quiz downloaded as GIFT; a draft or a version downloaded as a zip, and a zip made into a draft,
refused whole (nothing written) when it is dangerous or has an error."""

import io
import shutil
import zipfile

import pytest
import sqlalchemy as sa

from tests.conftest import ROOT, csrf_token
from tests.content.test_archive import zip_folder, zip_of
from training.accounts.models import Role
from training.authoring.models import CourseDraft
from training.content import services as content
from training.content.archive import read_zipped_course
from training.content.gift import parse_gift
from training.content.quiz_file import read_quiz
from training.extensions import db

from . import test_editor_pages
from .conftest import QUIZ, SLUG, stored_draft
from .test_editor_pages import DRAFT, save, stored
from .test_pages import author_client

#: The fixture: a client of an author of the example course, its draft opened.
author = test_editor_pages.author

EXAMPLE = ROOT / "docs" / "exemple-cours"
GIFT_PAGE = f"{DRAFT}/importer-gift"
ZIP_PAGE = "/formateur/formations/importer-zip"
BANK = (
    "// Une banque Moodle\n"
    "$CATEGORY: Traite\n"
    "\n"
    "::Q1:: Un employeur garde le passeport. C'est :{\n"
    "  =un indicateur#Oui : confiscation.\n"
    "  ~une pratique courante#Non.\n"
    "  ####Voir la leçon.\n"
    "}\n"
    "\n"
    "Combien de victimes ?{#4}\n"
    "\n"
    "Le consentement compte ?{F#Non.#Exact.}\n"
)


def upload_gift(client, data: bytes, filename: str = "banque.gift", **fields):
    values = {"revision": 1, "module": "02-verifier", "name": "", "title": "", **fields}
    return client.post(
        GIFT_PAGE,
        data={"csrf_token": csrf_token(client, GIFT_PAGE), **values,
              "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )  # fmt: skip


def test_a_gift_file_with_a_question_left_out_is_refused_with_its_line(author):
    response = upload_gift(author, BANK.encode())

    assert response.status_code == 422
    assert "Une question du fichier ne peut pas être reprise" in response.text
    assert "banque.gift, ligne 10 : question numérique non prise en charge" in response.text
    assert "banque.gift, ligne 2 : remarque : catégorie Moodle ignorée" in response.text
    assert stored(author).revision == 1
    assert "02-verifier/02-quiz.md" not in stored(author).files


def test_a_gift_file_becomes_a_new_quiz_after_the_modules_last_step(author):
    response = upload_gift(author, BANK.encode(), partial="y", title="Banque importée")

    assert response.status_code == 302
    assert response.headers["Location"] == f"{DRAFT}/quiz/02-verifier/02-quiz.md"
    reading = read_quiz(stored(author).files["02-verifier/02-quiz.md"])
    assert reading.quiz.title == "Banque importée"
    assert [q.prompt for q in reading.quiz.questions] == [
        "Un employeur garde le passeport. C'est :",
        "Le consentement compte ?",
    ]
    assert [q.kind for q in reading.quiz.questions] == ["single", "true_false"]
    page = author.get(response.headers["Location"]).text
    assert "2 questions importées dans 02-verifier/02-quiz.md" in page
    assert "Questions non reprises : ligne 10, question numérique non prise en charge." in page
    assert 'value="Le consentement compte ?"' in page


@pytest.mark.parametrize(
    ("data", "fields", "message"),
    [
        (b"Q ?{=caf\xe9 ~b}", {}, "le fichier n&#39;est pas en UTF-8"),
        (b"Combien ?{#4}\n", {}, "Aucune question du fichier ne peut être reprise"),
        (BANK.encode(), {"partial": "y", "name": "01-quiz"}, "existe déjà dans ce brouillon"),
        (BANK.encode(), {"partial": "y", "name": "../../etc"}, "Chemin refusé"),
        (BANK.encode(), {"module": "09-absent"}, "Module : N&#39;est pas un choix valide."),
    ],
    ids=["not-utf-8", "nothing-to-import", "existing-file", "outside", "unknown-module"],
)
def test_a_gift_file_that_cannot_be_imported_writes_nothing(author, data, fields, message):
    response = upload_gift(author, data, **fields)

    assert response.status_code == 422
    assert message in response.text
    assert stored(author).revision == 1


def test_a_quiz_is_exported_as_gift_that_reads_back_the_same(author):
    response = author.get(f"{DRAFT}/gift/{QUIZ}")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="exemple-cours-02-verifier-01-quiz.gift"'
    )
    expected = read_quiz(stored(author).files[QUIZ]).quiz.questions
    assert parse_gift(response.text).questions == expected


def test_a_quiz_with_an_error_is_not_exported(author):
    text = stored(author).files[QUIZ].replace("- [x] La menace", "- [ ] La menace")
    text = text.replace("- [x] L'abus", "- [ ] L'abus")
    assert save(author, QUIZ, text, 1).status_code == 302

    response = author.get(f"{DRAFT}/gift/{QUIZ}", follow_redirects=True)

    assert "contient des erreurs : corrigez-les avant de l&#39;exporter en GIFT" in response.text


def files_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_draft_downloads_as_a_zip_that_reads_back_to_its_files(author):
    assert save(author, QUIZ, stored(author).files[QUIZ] + "\nUne note.\n", 1).status_code == 302

    response = author.get(f"{DRAFT}/archive.zip")

    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="exemple-cours-brouillon-revision-2.zip"'
    )
    with author.application.app_context():
        zipped, _problems = read_zipped_course(response.data)
    assert zipped.texts == stored(author).files
    assert set(files_of(response.data)) == {
        f"{SLUG}/{path}" for path in [*stored(author).files, *stored(author).assets]
    }


def test_a_version_downloads_as_the_command_exports_it(author):
    response = author.get(f"/formateur/formations/{SLUG}/versions/1/archive.zip")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="exemple-cours-version-1.zip"'
    )
    with author.application.app_context():
        assert response.data == content.export_course_zip(content.find_version(SLUG, 1))
    assert author.get(f"/formateur/formations/{SLUG}/versions/9/archive.zip").status_code == 404
    page = author.get(f"/formateur/formations/{SLUG}/versions").text
    assert "Télécharger cette version (zip)" in page
    assert "Télécharger le brouillon (zip)" in page


def example_as(tmp_path, slug: str) -> bytes:
    """The example course renamed `slug`, zipped as a trainer zips a course folder."""
    folder = tmp_path / slug
    shutil.copytree(EXAMPLE, folder)
    course = folder / "course.md"
    course.write_text(course.read_text().replace("slug: exemple-cours", f"slug: {slug}"))
    return zip_folder(folder)


def upload_zip(client, data: bytes, filename: str = "cours.zip"):
    return client.post(
        ZIP_PAGE,
        data={"csrf_token": csrf_token(client, ZIP_PAGE), "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data",
    )


def draft_of(client, slug: str) -> tuple[int | None, int | None, dict[str, str]] | None:
    """The course, base version and files of the draft `slug`, as the database holds them."""
    with client.application.app_context():
        draft = stored_draft(slug)
        if draft is None:
            return None
        return draft.course_id, draft.base_version_id, dict(draft.files)


def test_a_zip_becomes_the_draft_of_a_new_course(app, login_as, tmp_path):
    trainer = login_as(Role.TRAINER)

    response = upload_zip(trainer, example_as(tmp_path, "cours-importe"))

    assert response.status_code == 302
    assert response.headers["Location"] == "/formateur/brouillons/cours-importe"
    course_id, _base, files = draft_of(trainer, "cours-importe")
    assert course_id is None
    assert files[QUIZ] == (EXAMPLE / QUIZ).read_text(encoding="utf-8")
    page = trainer.get(response.headers["Location"]).text
    assert "L&#39;archive est importée dans le brouillon « cours-importe »" in page
    assert "02-verifier/01-quiz.md" in page


def test_a_zip_of_a_published_course_becomes_its_next_versions_draft(app, example_course, login_as):
    owner = author_client(app, login_as)
    data = zip_folder(EXAMPLE)

    response = upload_zip(owner, data)
    again = upload_zip(owner, data)
    stranger = upload_zip(login_as(Role.TRAINER), data)

    assert response.headers["Location"] == f"/formateur/brouillons/{SLUG}"
    course_id, base_version_id, _files = draft_of(owner, SLUG)
    with app.app_context():
        version = content.latest_version(SLUG)
        assert (course_id, base_version_id) == (version.course_id, version.id)
    assert again.status_code == 422
    assert "Un brouillon « exemple-cours » est déjà ouvert" in again.text
    assert stranger.status_code == 422
    assert "est déjà publiée et vous n&#39;en êtes pas autrice ou auteur" in stranger.text


def test_a_dangerous_zip_is_refused_and_creates_nothing(app, login_as):
    trainer = login_as(Role.TRAINER)

    response = upload_zip(trainer, zip_of(("exemple-cours/../../evil.md", b"x")))

    assert response.status_code == 422
    assert "L&#39;archive est refusée (1 erreur)" in response.text
    assert "cours.zip, ligne 1 : chemin refusé dans l&#39;archive" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(CourseDraft.id))) == 0


def test_a_zip_whose_course_has_an_error_is_refused_with_its_file_and_line(app, login_as, tmp_path):
    trainer = login_as(Role.TRAINER)
    folder = tmp_path / "cours-faux"
    shutil.copytree(EXAMPLE, folder)
    (folder / "course.md").write_text(
        (folder / "course.md").read_text().replace("slug: exemple-cours", "slug: cours-faux")
    )
    quiz = folder / QUIZ
    quiz.write_text(
        quiz.read_text().replace("- (x) C'est un indicateur", "- ( ) C'est un indicateur")
    )

    response = upload_zip(trainer, zip_folder(folder))

    assert response.status_code == 422
    assert "cours-faux/02-verifier/01-quiz.md, ligne 11 : aucune bonne réponse" in response.text
    assert draft_of(trainer, "cours-faux") is None


def test_only_zip_files_are_accepted(login_as):
    trainer = login_as(Role.TRAINER)

    response = upload_zip(trainer, b"pas une archive", "cours.txt")

    assert response.status_code == 422
    assert "Choisissez une archive au format zip" in response.text


ZIP_ALLOWED = {
    Role.LEARNER: 403,
    Role.MONITOR: 403,
    "another trainer": 200,
    "author": 200,
    Role.ADMIN: 200,
}


@pytest.mark.parametrize("who", list(ZIP_ALLOWED), ids=str)
def test_access_to_the_zip_import_page(app, example_course, login_as, who):
    if who == "author":
        client = author_client(app, login_as)
    else:
        client = login_as(Role.TRAINER if who == "another trainer" else who)

    assert client.get(ZIP_PAGE).status_code == ZIP_ALLOWED[who]


def test_anonymous_visitors_of_the_zip_import_page_log_in_first(app):
    response = app.test_client().get(ZIP_PAGE)

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")
