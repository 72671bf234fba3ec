"""`flask privacy purge`: the retention of inactive accounts (retention.py), safe from cron."""

from datetime import timedelta

import click
from flask import current_app

from training.extensions import db
from training.mailer import send_email
from training.privacy import bp, retention
from training.timeutils import french_date, utcnow
from training.urls import external_url


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Dire ce qui serait fait, sans rien changer.")
def purge(dry_run: bool) -> None:
    """Warn the accounts about to reach the retention period, erase those warned in vain."""
    now = utcnow()
    report = retention.purge(dry_run=dry_run, now=now)
    verb = "seraient" if dry_run else "sont"
    for user, reason in report.kept:
        click.echo(f"Compte {user.id} conservé : {reason}")
    warned = [(user.email, user.full_name) for user in report.warned]
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        erase_on = french_date(now + timedelta(days=current_app.config["INACTIVITY_NOTICE_DAYS"]))
        for email, name in warned:
            send_email(
                email,
                "Votre compte sera supprimé faute d'utilisation",
                "inactivity_warning",
                name=name,
                erase_on=erase_on,
                login_link=external_url("accounts.login"),
            )
    click.echo(
        f"{len(report.warned)} compte(s) {verb} prévenu(s), {len(report.erased)} compte(s)"
        f" {verb} effacé(s), {len(report.kept)} conservé(s)."
    )
