"""`flask users …`: account commands for operators."""

import click
import sqlalchemy as sa

from training.accounts import bp, login_sessions, services, two_factor
from training.accounts.models import Profession, Role, Territory
from training.audit.services import record_event
from training.extensions import db
from training.timeutils import utcnow


@bp.cli.command("create-admin")
@click.argument("email")
@click.option("--name", default="Administrateur", help="Nom affiché.")
@click.password_option(help="Mot de passe (demandé s'il n'est pas donné).")
def create_admin(email: str, name: str, password: str) -> None:
    """Create the first administrator, or make an existing account administrator."""
    user = services.find_user_by_email(email)
    if user is None:
        try:
            user = services.register_user(
                email=email,
                full_name=name,
                password=password,
                profession=db.session.scalar(sa.select(Profession).filter_by(code="autre")),
                territory=db.session.scalar(sa.select(Territory).filter_by(code="autre")),
                role=Role.ADMIN,
            )
        except services.AccountError as error:
            raise click.ClickException(str(error)) from None
        user.email_confirmed_at = utcnow()
        click.echo(f"Compte administrateur créé : {user.email}")
    else:
        services.change_role(None, user, Role.ADMIN)
        click.echo(f"{user.email} est maintenant administrateur.")
    db.session.commit()


@bp.cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Forget an account's second factor (lost phone and recovery codes, when no other
    administrator can do it from the site): it enrols again at its next log-in."""
    user = services.find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Aucun compte n'a l'adresse {email}.")
    two_factor.turn_off(user, None)
    login_sessions.lock_sessions_of(user)
    login_sessions.end_all_sessions(user)
    record_event(None, "user.two_factor_disabled", "user", user.id, source="commande")
    db.session.commit()
    click.echo(
        f"Double authentification de {user.email} réinitialisée : elle sera de nouveau "
        "activée à la prochaine connexion."
    )


@bp.cli.command("purge-sessions")
def purge_sessions() -> None:
    """Delete the login sessions past their idle time or lifetime (run it daily)."""
    ended = login_sessions.purge_expired_sessions()
    db.session.commit()
    click.echo(f"Sessions expirées supprimées : {ended}")
