"""`flask courses …`: check, import and export course files (messages in French, for trainers)."""

from collections.abc import Callable
from pathlib import Path

import click

from training.content import archive, bp, gift, services
from training.content.models import CourseVersion
from training.content.parsed import ParsedChoice, ParsedQuestion
from training.content.problems import Problem
from training.content.quiz import QuizParser
from training.content.renderer import CourseRenderer, Source
from training.content.validation import course_folders
from training.extensions import db

bp.cli.short_help = "Vérifier, importer et exporter les cours (fichiers Markdown)."

#: The catalogue versioned with the code, relative to the directory the command runs in.
DEFAULT_CATALOGUE = Path("courses")


def _count(number: int, singular: str, plural: str, none: str) -> str:
    if number == 0:
        return none
    return f"{number} {singular if number == 1 else plural}"


def _catalogue_path(path: Path | None) -> Path | None:
    """The path given, or the default catalogue; None (after a message) if it does not exist."""
    if path is not None:
        return path
    if not DEFAULT_CATALOGUE.is_dir():
        click.echo(f"Pas de dossier {DEFAULT_CATALOGUE} : aucun cours à traiter.")
        return None
    return DEFAULT_CATALOGUE


def _fail(message: str) -> None:
    click.echo(message, err=True)
    click.get_current_context().exit(1)


def _echo_problems(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem))


def _echo_course_counts(folders: list[Path], problems: list[Problem]) -> None:
    """The number of errors and warnings of each course that has any."""
    click.echo("Par cours :")
    for folder in folders:
        found = [problem for problem in problems if problem.path.is_relative_to(folder)]
        if not found:
            continue
        errors = sum(problem.is_error for problem in found)
        warnings = len(found) - errors
        click.echo(
            f"  {folder.name} : {_count(errors, 'erreur', 'erreurs', 'aucune erreur')}, "
            f"{_count(warnings, 'avertissement', 'avertissements', 'aucun avertissement')}"
        )


@bp.cli.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Échouer aussi sur les avertissements.")
def check_command(path: Path | None, strict: bool) -> None:
    """Vérifier un cours ou un dossier de cours (par défaut : courses).

    Affiche chaque problème sous la forme « fichier:ligne: message » et se termine en échec
    s'il y a une erreur (ou un avertissement, avec --strict).
    """
    path = _catalogue_path(path)
    if path is None:
        return
    problems = services.validate_catalogue(
        path, services.known_audience_codes(), services.known_course_slugs
    )
    _echo_problems(problems)
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    folders = course_folders(path) if path.is_dir() else []
    checked = len(folders)
    if checked > 1 and problems:
        _echo_course_counts(folders, problems)
    click.echo(
        f"{_count(checked, 'cours vérifié', 'cours vérifiés', 'Aucun cours vérifié')} : "
        f"{_count(errors, 'erreur', 'erreurs', 'aucune erreur')}, "
        f"{_count(warnings, 'avertissement', 'avertissements', 'aucun avertissement')}."
    )
    if errors or (strict and warnings):
        click.get_current_context().exit(1)


_ACCEPT_REVIEW_NOTES = click.option(
    "--accept-review-notes",
    is_flag=True,
    help="Publier même les cours qui ont des points « À valider » (décision d'un administrateur).",
)


@bp.cli.command("import")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@_ACCEPT_REVIEW_NOTES
def import_command(path: Path | None, accept_review_notes: bool) -> None:
    """Importer un cours ou un dossier de cours (par défaut : courses).

    Un cours inchangé ne crée rien ; un cours modifié devient une nouvelle version publiée.
    Si un cours a une erreur, rien n'est importé. Un cours à publier qui a encore des points
    « À valider » n'est publié qu'avec --accept-review-notes.
    """
    path = _catalogue_path(path)
    if path is None:
        return
    _import(lambda: services.import_courses([path], accept_review_notes=accept_review_notes))


@bp.cli.command("import-zip")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@_ACCEPT_REVIEW_NOTES
def import_zip_command(file: Path, accept_review_notes: bool) -> None:
    """Importer un cours depuis une archive zip (un dossier nommé d'après le slug du cours).

    Mêmes règles que « import » : un cours inchangé ne crée rien, un cours en erreur n'importe
    rien, les points « À valider » demandent --accept-review-notes. Une archive dangereuse
    (chemin qui sort du dossier, lien symbolique, trop de fichiers, trop volumineuse une fois
    décompressée) est refusée.
    """
    with file.open("rb") as source:
        # One byte over the limit is enough for the archive to be refused as too large.
        data = source.read(archive.MAX_ARCHIVE_BYTES + 1)
    _import(
        lambda: [
            services.import_course_zip(data, str(file), accept_review_notes=accept_review_notes)
        ]
    )


def _import(run: Callable[[], list[services.ImportResult]]) -> None:
    """Run an import, then commit and list the results, or roll back and say why."""
    try:
        results = run()
    except services.CourseFormatError as error:
        db.session.rollback()
        _echo_problems(error.problems)
        _fail("Import annulé : aucun cours n'a été modifié.")
        return
    except services.ReviewNotesError as error:
        db.session.rollback()
        for note in error.notes:
            click.echo(note.describe())
        still_open = "reste ouvert" if len(error.notes) == 1 else "restent ouverts"
        _fail(
            f"Import annulé : {_count(len(error.notes), 'point', 'points', 'aucun point')}"
            f" « À valider » {still_open} dans les cours à publier (liste ci-dessus)."
            " Les apprenants ne voient jamais ces points, mais un cours non relu ne se publie"
            " que sur décision d'un administrateur : traitez-les, ou relancez avec"
            " --accept-review-notes pour publier quand même. Aucun cours n'a été modifié."
        )
        return
    db.session.commit()
    for result in results:
        _echo_problems(list(result.warnings))
        click.echo(result.describe())
    if not results:
        click.echo("Aucun cours à importer.")


@bp.cli.command("rerender")
def rerender_command() -> None:
    """Refaire le HTML de chaque version enregistrée à partir de son Markdown.

    À lancer après chaque mise à jour de la plateforme (par exemple pour retirer des pages des
    apprenants les points « À valider »). Le contenu et les versions ne changent pas ; relancer
    la commande ne modifie plus rien.
    """
    versions, changed = services.rerender_versions()
    db.session.commit()
    updated = _count(
        changed, "texte mis à jour", "textes mis à jour", "aucun texte à mettre à jour"
    )
    click.echo(
        f"{_count(versions, 'version relue', 'versions relues', 'Aucune version')} : {updated}."
    )


@bp.cli.command("export")
@click.argument("slug")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--version", "number", type=int, help="Numéro de version (par défaut : la dernière).")
def export_command(slug: str, dest: Path, number: int | None) -> None:
    """Écrire une version d'un cours sous forme de fichiers, dans DEST/SLUG."""
    version = _find_version(slug, number)
    if version is None:
        return
    try:
        folder = services.export_version(version, dest)
    except services.ExportError as error:
        _fail(f"Export impossible : {error}.")
        return
    click.echo(f"Version {version.number} de « {slug} » exportée dans {folder}")


@bp.cli.command("export-zip")
@click.argument("slug")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--version", "number", type=int, help="Numéro de version (par défaut : la dernière).")
def export_zip_command(slug: str, file: Path, number: int | None) -> None:
    """Écrire une version d'un cours dans l'archive zip FILE (un dossier SLUG/), réimportable
    avec « import-zip »."""
    if file.exists():
        _fail(f"Export impossible : {file} existe déjà (choisissez un autre nom).")
        return
    version = _find_version(slug, number)
    if version is None:
        return
    file.write_bytes(services.export_course_zip(version))
    click.echo(f"Version {version.number} de « {slug} » exportée dans {file}")


def _find_version(slug: str, number: int | None) -> CourseVersion | None:
    """The version asked for (by default the latest), or None after a message."""
    if number is None:
        version = services.latest_version(slug)
    else:
        version = services.find_version(slug, number)
    if version is None:
        which = f"la version {number} du cours" if number is not None else "le cours"
        _fail(f"Introuvable : {which} « {slug} ».")
    return version


@bp.cli.command("gift-import")
@click.argument("source", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.argument("out", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--title", help="Titre du quiz (par défaut : le nom du fichier GIFT).")
def gift_import_command(source: Path, out: Path, title: str | None) -> None:
    """Convertir une banque de questions Moodle (GIFT) en fichier de quiz de la plateforme.

    Écrit OUT (un fichier d'étape « kind: quiz ») et signale chaque question non reprise
    (numérique, appariement, réponse courte, composition…) avec sa ligne. Placez ensuite le
    fichier dans un module du cours et vérifiez le cours avec « flask courses check ».
    """
    if out.exists():
        _fail(f"Conversion impossible : {out} existe déjà (choisissez un autre nom).")
        return
    try:
        parsed = gift.parse_gift(source.read_bytes(), source)
    except gift.GiftError as error:
        _fail(f"{source}:1: {error}")
        return
    _echo_problems(sorted(parsed.problems))
    if not parsed.questions:
        _fail("Aucune question reprise : aucun fichier écrit.")
        return
    text = gift.quiz_markdown(parsed.questions, title or source.stem.replace("-", " "))
    out.write_text(text, encoding="utf-8")
    problems = _check_quiz_file(out, text)
    _echo_problems(problems)
    summary = _count(len(parsed.questions), "question reprise", "questions reprises", "")
    left_out = sum(problem.is_error for problem in parsed.problems)
    if left_out:
        summary += ", " + _count(left_out, "question non reprise", "questions non reprises", "")
    click.echo(f"{summary} dans {out}." if not left_out else f"{summary} ; fichier : {out}.")
    if any(problem.is_error for problem in problems):
        click.get_current_context().exit(1)


def _check_quiz_file(path: Path, text: str) -> list[Problem]:
    """What the course validator would say about the quiz written (links are checked later,
    with the course)."""
    body_start = text.index("---\n", 4) + 4
    renderer = CourseRenderer(set(), set())
    body_line = text[:body_start].count("\n") + 1
    QuizParser(renderer, Source(path, "", body_line)).parse(text[body_start:])
    return sorted(renderer.problems)


@bp.cli.command("gift-export")
@click.argument("slug")
@click.argument("step_key")
def gift_export_command(slug: str, step_key: str) -> None:
    """Écrire au format GIFT (Moodle) le quiz STEP_KEY (« module/étape ») du cours SLUG."""
    version = services.latest_version(slug)
    step = services.find_step(version, step_key.removesuffix(".md")) if version else None
    if step is None or step.kind != "quiz":
        _fail(f"Introuvable : le quiz « {step_key} » du cours « {slug} ».")
        return
    questions = [
        ParsedQuestion(
            kind=question.kind,
            prompt=question.prompt_md,
            context=question.context_md,
            explanation=question.explanation_md,
            choices=[
                ParsedChoice(choice.text_md, choice.is_correct, choice.feedback_md)
                for choice in question.choices
            ],
        )
        for question in step.questions
    ]
    click.echo(gift.to_gift(questions), nl=False)
