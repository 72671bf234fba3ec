"""The fiche réflexe travels with its course: import, export, zip, rerender, review notes."""

import io
import zipfile

from training.content import services
from training.content.exporter import version_files
from training.content.fiche import FICHE_FILE
from training.content.parser import parse_course
from training.extensions import db

from .conftest import EXAMPLE, copy_example

NOTE = "::: a-valider Numéro\nVérifier le numéro de la cellule départementale.\n:::\n\n"


def test_the_import_stores_the_sheet_with_the_version(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        version = services.latest_version("exemple-cours")
        parsed = parse_course(EXAMPLE)

        assert version.fiche_title == parsed.fiche.title
        assert version.fiche_md == parsed.fiche.body
        assert version.fiche_html == parsed.fiche.body_html
        assert "Ce qu'il faut faire tout de suite" in version.fiche_html


def test_a_course_without_a_sheet_stores_none(app, tmp_path):
    course = copy_example(tmp_path)
    (course / FICHE_FILE).unlink()
    with app.app_context():
        services.import_courses([course.path])
        version = services.latest_version("exemple-cours")
        assert (version.fiche_title, version.fiche_md, version.fiche_html) == (None, None, None)
        assert FICHE_FILE not in version_files(version).texts


def test_a_changed_sheet_is_a_new_version_and_exports_as_written(app, tmp_path):
    course = copy_example(tmp_path / "source")
    with app.app_context():
        services.import_courses([course.path])
        course.replace(FICHE_FILE, "Ne rien promettre", "Ne jamais promettre")
        [result] = services.import_courses([course.path])
        assert (result.status, result.version_number) == ("new_version", 2)

        version = services.latest_version("exemple-cours")
        folder = services.export_version(version, tmp_path / "export")
        exported = parse_course(folder)
        assert exported.fiche.body == parse_course(course.path).fiche.body
        assert "Ne jamais promettre" in (folder / FICHE_FILE).read_text(encoding="utf-8")
        [again] = services.import_courses([folder])
        assert (again.status, again.version_number) == ("unchanged", 2)


def test_the_sheet_survives_a_zip_round_trip(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        version = services.latest_version("exemple-cours")

        data = services.export_course_zip(version)
        with zipfile.ZipFile(io.BytesIO(data)) as exported:
            assert f"exemple-cours/{FICHE_FILE}" in exported.namelist()
        course, problems = services.read_course_zip(data, "exemple.zip")
        result = services.import_course_zip(data, "exemple.zip")

        assert problems == []
        assert course.fiche.title == version.fiche_title
        assert (result.status, result.version_number) == ("unchanged", 1)


def test_rerender_brings_the_sheet_html_up_to_date(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        version = services.latest_version("exemple-cours")
        expected = version.fiche_html
        version.fiche_html = "<p>ancien rendu</p>"
        db.session.flush()

        _versions, changed = services.rerender_versions()

        assert changed == 1
        assert version.fiche_html == expected


def test_review_notes_of_the_sheet_are_listed_at_their_exported_line(app, tmp_path):
    course = copy_example(tmp_path / "source")
    course.replace(FICHE_FILE, "## Qui appeler\n\n", "## Qui appeler\n\n" + NOTE)
    with app.app_context():
        services.import_courses([course.path])
        version = services.latest_version("exemple-cours")

        notes = [note for note in services.review_notes(version) if note.path.name == FICHE_FILE]
        folder = services.export_version(version, tmp_path / "export")
        lines = (folder / FICHE_FILE).read_text(encoding="utf-8").split("\n")

        assert [note.note.title for note in notes] == ["Numéro"]
        assert lines[notes[0].line - 1] == "::: a-valider Numéro"
        assert services.has_review_notes(version)
        assert "cellule départementale." not in version.fiche_html
