"""`flask assets build`: the fingerprinted, compressed copy of the static files."""

from pathlib import Path

import click
from flask import current_app

from training.assets import bp
from training.assets.build import build_static


@bp.cli.command("build")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Dossier du résultat (par défaut : STATIC_BUILD_DIR).",
)
def build(out: Path | None) -> None:
    """Copy training/static with fingerprinted names, compressed (to run at each release)."""
    destination = out or Path(current_app.config["STATIC_BUILD_DIR"])
    manifest = build_static(Path(current_app.static_folder), destination)
    click.echo(f"{len(manifest)} fichiers statiques publiés dans {destination}.")
