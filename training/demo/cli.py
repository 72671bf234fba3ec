"""The demo loader: idempotent, safe to run on every start of the development server."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from training.accounts import services, two_factor
from training.accounts.models import Profession, Role, Territory
from training.authoring import authors
from training.content import services as content
from training.content.models import Course
from training.demo import bp
from training.demo.learners import CERTIFIED_LEARNER_EMAIL, LEARNER_EMAIL, load_demo_learners
from training.demo.sessions import load_demo_session
from training.demo.statistics import load_demo_statistics
from training.extensions import db
from training.monitoring import summary
from training.timeutils import utcnow

DEMO_PASSWORD = "demonstration-traite-2026"  # noqa: S105
DEMO_ACCOUNTS = (
    ("admin@demo.example.org", "Alice Administratrice", Role.ADMIN, "autre", "paris"),
    ("formateur@demo.example.org", "Fabien Formateur", Role.TRAINER, "magistrat", "bordeaux"),
    ("miprof@demo.example.org", "Maud Observatrice", Role.MONITOR, "autre", "paris"),
    (LEARNER_EMAIL, "Amina Apprenante", Role.LEARNER, "enseignant", "marseille"),
    (CERTIFIED_LEARNER_EMAIL, "Théo Certifié", Role.LEARNER, "travail-social", "paris"),
)


#: The demo staff accounts' second factor (base32), published like their password: anyone
#: may add it to an authenticator application, or read the current code with
#: `flask demo-code`. Development only, as `flask demo` is.
DEMO_TOTP_SECRET = "TRAITEDEMOFORMATIONENMMIPROFZZZZ"  # noqa: S105


def load_demo_accounts() -> list[tuple[str, Role, bool]]:
    """Create the demo accounts that do not exist yet, and give the staff accounts their
    second factor; returns (email, role, created)."""
    result = []
    for email, name, role, profession_code, territory_code in DEMO_ACCOUNTS:
        if (existing := services.find_user_by_email(email)) is not None:
            if two_factor.is_required(existing) and not two_factor.is_enabled(existing):
                two_factor.enable_with_secret(existing, DEMO_TOTP_SECRET)
            result.append((email, role, False))
            continue
        user = services.register_user(
            email=email,
            full_name=name,
            password=DEMO_PASSWORD,
            profession=db.session.scalar(sa.select(Profession).filter_by(code=profession_code)),
            territory=db.session.scalar(sa.select(Territory).filter_by(code=territory_code)),
            role=role,
        )
        user.email_confirmed_at = utcnow()
        if two_factor.is_required(user):
            two_factor.enable_with_secret(user, DEMO_TOTP_SECRET)
        result.append((email, role, True))
    return result


def load_demo_courses() -> list[str]:
    """Import the catalogue of courses/ (a no-op for unchanged courses); lines to print.

    A catalogue with an error is reported and left out, so that the demo accounts still load.
    """
    catalogue = Path(current_app.root_path).parent / "courses"
    if not catalogue.is_dir() or not any(catalogue.iterdir()):
        return []
    try:
        # The catalogue is sample content awaiting expert review: its « À valider » notes are
        # expected, and learners never see them (they are left out of their pages).
        results = content.import_courses([catalogue], accept_review_notes=True)
    except content.CourseFormatError as error:
        db.session.rollback()
        return [str(problem) for problem in error.errors] + [
            "Cours non importés : corrigez les erreurs ci-dessus (flask courses check)."
        ]
    db.session.commit()
    return [result.describe() for result in results]


def load_demo_authors() -> int:
    """Make the demo trainer the owner of every course that has no author yet; how many."""
    trainer = services.find_user_by_email("formateur@demo.example.org")
    if trainer is None:
        return 0
    return sum(
        authors.make_first_owner(course, trainer.id)
        for course in db.session.scalars(sa.select(Course).order_by(Course.slug))
    )


@bp.cli.command("demo")
def demo_command() -> None:
    """Load the demo accounts, the course catalogue of courses/, the demo learners' courses (one
    in progress, one finished with its certificate), demo activity for the monitoring dashboard
    (whose summary is then rebuilt: the demo writes rows in bulk) and a session of the demo
    trainer."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "flask demo ne s'exécute qu'avec les réglages de développement "
            "(APP_ENV=development) : les comptes qu'il crée ont un mot de passe public."
        )
    accounts = load_demo_accounts()
    db.session.commit()
    click.echo("Comptes de démonstration (mot de passe commun : " + DEMO_PASSWORD + ") :")
    for email, role, created in accounts:
        click.echo(f"  {role.label:<22} {email}{'' if created else ' (déjà présent)'}")
    click.echo(
        "Les comptes formateur, Miprof et administrateur demandent ensuite un code : "
        "`flask demo-code` l'affiche, ou ajoutez la clé "
        f"{two_factor.display_secret(DEMO_TOTP_SECRET)} à une application d'authentification."
    )
    lines = load_demo_courses()
    if lines:
        click.echo("Catalogue des cours :")
    for line in lines:
        click.echo(f"  {line}")
    if load_demo_authors():
        db.session.commit()
        click.echo("Le formateur de démonstration est auteur des formations du catalogue.")
    learners = load_demo_learners()
    if learners:
        db.session.commit()
        click.echo("Socle commun des apprenants de démonstration :")
    for enrolment in learners:
        state = "terminé, attestation valide" if enrolment.completed_at else "en cours"
        click.echo(f"  {enrolment.user.email} : {state}")
    enrolments = load_demo_statistics()
    if enrolments:
        summary.rebuild()
        db.session.commit()
        click.echo(f"Activité de démonstration pour le suivi : {enrolments} inscriptions.")
    session = load_demo_session()
    if session is not None:
        db.session.commit()
        click.echo(f"Session de démonstration du formateur : « {session.name} ».")


@bp.cli.command("demo-code")
def demo_code_command() -> None:
    """Print the current second-factor code of the demo staff accounts (development only)."""
    if not current_app.config["DEMO_DATA_ALLOWED"]:
        raise click.ClickException(
            "flask demo-code ne s'exécute qu'avec les réglages de développement "
            "(APP_ENV=development)."
        )
    click.echo(
        f"Code du moment des comptes de démonstration formateur, Miprof et administrateur : "
        f"{two_factor.current_code(DEMO_TOTP_SECRET)} (un nouveau toutes les 30 secondes ; "
        "chacun ne sert qu'une fois par compte)."
    )
