"""`flask monitoring …`: recompute the summary from the raw data."""

import time

import click

from training.extensions import db
from training.monitoring import bp, summary

bp.cli.short_help = "Suivi des indicateurs (Miprof)."


@bp.cli.command("rebuild")
@click.option("--batch-size", default=5000, show_default=True, help="Enrolments read at once.")
def rebuild_command(batch_size: int) -> None:
    """Recompute the monitoring summary from enrolments, progress and certificates."""
    started = time.perf_counter()
    written = summary.rebuild(batch_size)
    db.session.commit()
    for table, rows in sorted(written.items()):
        click.echo(f"  {table}: {rows} lignes")
    click.echo(f"Tableau de synthèse recalculé en {time.perf_counter() - started:.1f} s.")
