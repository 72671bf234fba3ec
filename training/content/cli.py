"""`flask courses …`: check, import and export course files (messages in French, for trainers)."""

from pathlib import Path

import click

from training.content import bp, services
from training.content.problems import Problem
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
    problems = services.validate_catalogue(path, services.known_audience_codes())
    _echo_problems(problems)
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    checked = len(course_folders(path)) if path.is_dir() else 0
    click.echo(
        f"{_count(checked, 'cours vérifié', 'cours vérifiés', 'Aucun cours vérifié')} : "
        f"{_count(errors, 'erreur', 'erreurs', 'aucune erreur')}, "
        f"{_count(warnings, 'avertissement', 'avertissements', 'aucun avertissement')}."
    )
    if errors or (strict and warnings):
        click.get_current_context().exit(1)


@bp.cli.command("import")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def import_command(path: Path | None) -> None:
    """Importer un cours ou un dossier de cours (par défaut : courses).

    Un cours inchangé ne crée rien ; un cours modifié devient une nouvelle version publiée.
    Si un cours a une erreur, rien n'est importé.
    """
    path = _catalogue_path(path)
    if path is None:
        return
    try:
        results = services.import_courses([path])
    except services.CourseFormatError as error:
        db.session.rollback()
        _echo_problems(error.problems)
        _fail("Import annulé : aucun cours n'a été modifié.")
        return
    db.session.commit()
    for result in results:
        _echo_problems(list(result.warnings))
        click.echo(result.describe())
    if not results:
        click.echo("Aucun cours à importer.")


@bp.cli.command("export")
@click.argument("slug")
@click.argument("dest", type=click.Path(path_type=Path, file_okay=False))
@click.option("--version", "number", type=int, help="Numéro de version (par défaut : la dernière).")
def export_command(slug: str, dest: Path, number: int | None) -> None:
    """Écrire une version d'un cours sous forme de fichiers, dans DEST/SLUG."""
    if number is None:
        version = services.latest_version(slug)
    else:
        version = services.find_version(slug, number)
    if version is None:
        which = f"la version {number} du cours" if number is not None else "le cours"
        _fail(f"Introuvable : {which} « {slug} ».")
        return
    try:
        folder = services.export_version(version, dest)
    except services.ExportError as error:
        _fail(f"Export impossible : {error}.")
        return
    click.echo(f"Version {version.number} de « {slug} » exportée dans {folder}")
