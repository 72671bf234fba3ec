"""Authorship from the command line, for an operator (admins also have a page for it:
/formateur/formations/<slug>/auteurs)."""

import click
import sqlalchemy as sa

from training.accounts.services import find_user_by_email
from training.authoring import bp
from training.authoring.authors import AuthorError, add_co_author
from training.content.models import Course
from training.extensions import db


@bp.cli.command("add-author")
@click.argument("slug")
@click.argument("email")
@click.option("--owner", is_flag=True, help="Propriétaire plutôt que co-auteur.")
def add_author_command(slug: str, email: str, owner: bool) -> None:
    """Make the trainer EMAIL an author of the course SLUG."""
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"Aucune formation « {slug} ».")
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"Aucun compte « {email} ».")
    try:
        add_co_author(course, user, None, as_owner=owner)
    except AuthorError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"{user.full_name} est {'propriétaire' if owner else 'co-auteur'} de « {slug} ».")
