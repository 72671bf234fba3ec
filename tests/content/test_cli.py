"""`flask courses check | import | export`, and `flask demo` importing the catalogue."""

import zipfile
from pathlib import Path

import sqlalchemy as sa

from training.content import services
from training.content.models import Course
from training.extensions import db

from .conftest import EXAMPLE, QUIZ, catalogue_courses, copy_example


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["courses", *map(str, args)])


def test_check_passes_on_the_example(app):
    result = run(app, "check", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert result.output == "1 cours vérifié : aucune erreur, aucun avertissement.\n"


def test_check_prints_every_problem_and_fails(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    course.replace(QUIZ, "  > Oui.\n", "")

    result = run(app, "check", tmp_path)

    line = course.line_of(QUIZ, "## Pour un mineur")
    warning_line = course.line_of(QUIZ, "- [x] L'abus")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{course / QUIZ}:{warning_line}: avertissement : choix sans retour : ajoutez sous le"
        " choix une ligne « > … » indentée de deux espaces, qui explique pourquoi il est juste"
        " ou faux",
        f"{course / QUIZ}:{line}: aucune bonne réponse : marquez-la avec « (x) » ou « [x] »",
        "1 cours vérifié : 1 erreur, 1 avertissement.",
    ]


def test_check_reports_step_and_catalogue_problems_in_one_run(app, tmp_path):
    """Issue 11: a course with a step error is still checked against the catalogue."""
    course = copy_example(tmp_path)
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    course.replace("course.md", "  - autre", "  - autre\n  - pompier")
    copy = copy_example(tmp_path, "copie")
    copy.replace("course.md", "slug: copie", "slug: exemple-cours")

    result = run(app, "check", tmp_path)

    slug_line = course.line_of("course.md", "slug:")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{copy / 'course.md'}:{slug_line}: le slug « exemple-cours » doit être le nom du"
        " dossier (« copie »)",
        f"{course / QUIZ}:{course.line_of(QUIZ, '## Pour un mineur')}: aucune bonne réponse :"
        " marquez-la avec « (x) » ou « [x] »",
        f"{course / 'course.md'}:{slug_line}: slug « exemple-cours » déjà pris par {copy.path}",
        f"{course / 'course.md'}:{course.line_of('course.md', 'audiences:')}: public inconnu"
        " « pompier » (codes connus : autre, enseignant, inspection-travail, magistrat, sante,"
        " securite, travail-social)",
        "Par cours :",
        "  copie : 1 erreur, aucun avertissement",
        "  exemple-cours : 3 erreurs, aucun avertissement",
        "2 cours vérifiés : 4 erreurs, aucun avertissement.",
    ]


def test_warnings_fail_the_check_only_when_strict(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "  > Oui.\n", "")

    assert run(app, "check", course.path).exit_code == 0
    strict = run(app, "check", "--strict", course.path)
    assert strict.exit_code == 1
    assert "1 avertissement" in strict.output


def test_check_counts_the_problems_of_each_course_and_warnings_do_not_fail(app, tmp_path):
    copy_example(tmp_path, "sans-probleme")
    course = copy_example(tmp_path)
    course.replace(QUIZ, "  > Oui.\n", "")

    result = run(app, "check", tmp_path)

    assert result.exit_code == 0
    assert result.output.splitlines()[-2:] == [
        "  exemple-cours : aucune erreur, 1 avertissement",
        "2 cours vérifiés : aucune erreur, 1 avertissement.",
    ]
    assert "sans-probleme :" not in result.output


def test_check_without_a_catalogue_folder_has_nothing_to_do(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(app, "check")
    assert result.exit_code == 0
    assert result.output == "Pas de dossier courses : aucun cours à traiter.\n"


def test_check_of_a_missing_path_fails(app, tmp_path):
    result = run(app, "check", tmp_path / "absent")
    assert result.exit_code == 1
    assert f"{tmp_path / 'absent'}:1: dossier introuvable" in result.output


def test_import_then_reimport(app, tmp_path):
    course = copy_example(tmp_path)

    first = run(app, "import", "--accept-review-notes", tmp_path)
    second = run(app, "import", "--accept-review-notes", tmp_path)
    course.replace(QUIZ, "max_attempts: 3", "max_attempts: 2")
    third = run(app, "import", "--accept-review-notes", tmp_path)

    assert first.output == "exemple-cours : créé (version 1)\n"
    assert second.output == "exemple-cours : inchangé (version 1)\n"
    assert third.output == "exemple-cours : nouvelle version 2\n"
    assert first.exit_code == second.exit_code == third.exit_code == 0


def test_a_failed_import_says_that_nothing_changed(app, tmp_path):
    copy_example(tmp_path, "cours-valide")
    broken = copy_example(tmp_path, "cours-casse")
    broken.replace(QUIZ, "- (x) Faux", "- ( ) Faux")

    result = run(app, "import", "--accept-review-notes", tmp_path)

    assert result.exit_code == 1
    assert f"{broken / QUIZ}:" in result.output
    assert "Import annulé : aucun cours n'a été modifié." in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_export_writes_the_latest_or_a_given_version(app, tmp_path):
    course = copy_example(tmp_path / "source")
    run(app, "import", "--accept-review-notes", course.path)
    course.replace(QUIZ, "max_attempts: 3", "max_attempts: 2")
    run(app, "import", "--accept-review-notes", course.path)

    latest = run(app, "export", "exemple-cours", tmp_path / "latest")
    first = run(app, "export", "exemple-cours", tmp_path / "first", "--version", "1")

    assert latest.exit_code == first.exit_code == 0, latest.output + first.output
    assert latest.output == (
        f"Version 2 de « exemple-cours » exportée dans {tmp_path / 'latest' / 'exemple-cours'}\n"
    )
    assert "max_attempts: 2" in (tmp_path / "latest/exemple-cours" / QUIZ).read_text()
    assert "max_attempts: 3" in (tmp_path / "first/exemple-cours" / QUIZ).read_text()
    again = run(app, "import", "--accept-review-notes", tmp_path / "first/exemple-cours")
    assert again.output == "exemple-cours : nouvelle version 3\n"


def test_export_of_an_unknown_course_or_version_fails(app, tmp_path):
    run(app, "import", "--accept-review-notes", EXAMPLE)

    unknown = run(app, "export", "inconnu", tmp_path)
    no_version = run(app, "export", "exemple-cours", tmp_path, "--version", "7")

    assert unknown.exit_code == no_version.exit_code == 1
    assert "Introuvable : le cours « inconnu »." in unknown.output
    assert "Introuvable : la version 7 du cours « exemple-cours »." in no_version.output


def test_export_zip_then_import_zip(app, tmp_path):
    run(app, "import", "--accept-review-notes", EXAMPLE)
    file = tmp_path / "exemple.zip"

    exported = run(app, "export-zip", "exemple-cours", file)
    again = run(app, "export-zip", "exemple-cours", file)
    imported = run(app, "import-zip", "--accept-review-notes", file)

    assert exported.exit_code == 0, exported.output
    assert exported.output == f"Version 1 de « exemple-cours » exportée dans {file}\n"
    assert zipfile.is_zipfile(file)
    assert again.exit_code == 1
    assert f"Export impossible : {file} existe déjà" in again.output
    assert (imported.exit_code, imported.output) == (0, "exemple-cours : inchangé (version 1)\n")


def test_export_zip_of_an_unknown_course_fails(app, tmp_path):
    result = run(app, "export-zip", "inconnu", tmp_path / "x.zip")

    assert result.exit_code == 1
    assert "Introuvable : le cours « inconnu »." in result.output
    assert not (tmp_path / "x.zip").exists()


def test_import_zip_asks_to_confirm_review_notes(app, tmp_path):
    file = tmp_path / "exemple.zip"
    with zipfile.ZipFile(file, "w") as made:
        for path in sorted(EXAMPLE.rglob("*")):
            made.write(path, Path("exemple-cours", path.relative_to(EXAMPLE)).as_posix())

    refused = run(app, "import-zip", file)
    accepted = run(app, "import-zip", "--accept-review-notes", file)

    assert refused.exit_code == 1
    assert refused.output.startswith("exemple-cours/01-decouvrir/01-les-trois-elements.md:")
    assert "Import annulé : 1 point « À valider » reste ouvert" in refused.output
    assert (accepted.exit_code, accepted.output) == (0, "exemple-cours : créé (version 1)\n")


def test_import_zip_refuses_a_hostile_archive(app, tmp_path):
    file = tmp_path / "piege.zip"
    with zipfile.ZipFile(file, "w") as made:
        made.writestr("exemple-cours/course.md", "---\n")
        made.writestr("exemple-cours/../../evil.md", "x")

    result = run(app, "import-zip", "--accept-review-notes", file)

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"{file}:1: chemin refusé dans l'archive : « exemple-cours/../../evil.md » sort du"
        " dossier du cours ou contient un dossier vide, « . » ou « .. »",
        "Import annulé : aucun cours n'a été modifié.",
    ]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_import_zip_reports_the_course_errors(app, tmp_path):
    course = copy_example(tmp_path / "source")
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    file = tmp_path / "casse.zip"
    with zipfile.ZipFile(file, "w") as made:
        for path in sorted(course.path.rglob("*")):
            made.write(path, Path("exemple-cours", path.relative_to(course.path)).as_posix())

    result = run(app, "import-zip", "--accept-review-notes", file)

    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"exemple-cours/{QUIZ}:{course.line_of(QUIZ, '## Pour un mineur')}: aucune bonne"
        " réponse : marquez-la avec « (x) » ou « [x] »",
        "Import annulé : aucun cours n'a été modifié.",
    ]


def test_demo_imports_the_catalogue(app):
    result = app.test_cli_runner().invoke(args=["demo"])

    assert result.exit_code == 0, result.output
    for folder in catalogue_courses():
        assert f"{folder.name} : créé (version 1)" in result.output
    with app.app_context():
        for folder in catalogue_courses():
            assert services.latest_version(folder.name).number == 1
