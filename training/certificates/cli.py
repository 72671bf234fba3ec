"""`flask certificates …`: the signing key and its certificate, and checking a PDF offline."""

from datetime import date
from pathlib import Path

import click
from flask import current_app

from training.certificates import bp, signing
from training.timeutils import french_date

bp.cli.short_help = "Clé de signature et vérification des attestations."


def configured_key_path() -> Path:
    return Path(current_app.config["CERTIFICATE_SIGNING_KEY_PATH"])


@bp.cli.command("keygen")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier de la clé privée (par défaut : CERTIFICATE_SIGNING_KEY_PATH).",
)
def keygen(out: Path | None) -> None:
    """Create the Ed25519 key that signs certificates, and print its public half."""
    path = out or configured_key_path()
    try:
        key = signing.write_new_private_key(path)
    except signing.KeyFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Clé privée écrite dans {path} (lisible par son seul propriétaire).")
    click.echo("Conservez-la hors du dépôt et sauvegardez-la : elle ne se recrée pas.")
    click.echo("Clé publique à publier :")
    click.echo(signing.public_key_pem(key.public_key()), nl=False)


@bp.cli.command("public-key")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier de la clé privée (par défaut : CERTIFICATE_SIGNING_KEY_PATH).",
)
def public_key(key_path: Path | None) -> None:
    """Print the public key (PEM) that verifies certificates."""
    try:
        key = signing.load_private_key(key_path or configured_key_path())
    except signing.KeyFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(signing.public_key_pem(key.public_key()), nl=False)


@bp.cli.command("signing-certificate")
@click.option(
    "--key",
    "key_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Fichier de la clé privée (par défaut : CERTIFICATE_SIGNING_KEY_PATH).",
)
def signing_certificate(key_path: Path | None) -> None:
    """Print the X.509 certificate (PEM) of the PDFs' document signature."""
    from training.certificates.pades import certificate_pem

    try:
        key = signing.load_private_key(key_path or configured_key_path())
    except signing.KeyFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(certificate_pem(key, current_app.config["CERTIFICATE_ISSUER"]), nl=False)


@bp.cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Clé publique PEM de l’émetteur (par défaut : celle de la clé configurée).",
)
def verify(file: Path, public_key_path: Path | None) -> None:
    """Check that a certificate PDF is genuine: exit status 0 if so, 1 otherwise."""
    # Imported here: reportlab and pypdf need not load for every other `flask` command.
    from training.certificates.pdf import verify_certificate_pdf

    try:
        key = signing.load_public_key(public_key_path or configured_key_path())
    except signing.KeyFileError as error:
        raise click.ClickException(str(error)) from None
    try:
        statements = verify_certificate_pdf(file.read_bytes(), key)
    except signing.SignatureError as error:
        click.echo(f"Attestation non authentique : {error}", err=True)
        raise SystemExit(1) from None
    click.echo("Attestation authentique")
    for label, value in _described(statements):
        click.echo(f"  {label} : {value}")
    click.echo("Le fichier est intact : sa signature de document (PAdES) couvre tous ses octets.")
    click.echo(
        "La signature prouve que l’émetteur a délivré cette attestation ; "
        "une révocation éventuelle se consulte sur la page de vérification."
    )


def _described(statements: dict) -> list[tuple[str, str]]:
    expires_on = statements.get("expires_on")
    return [
        ("Code", statements["code"]),
        ("Titulaire", statements["holder"]),
        (
            "Formation",
            f"{statements['course_title']} (version {statements['course_version']})",
        ),
        ("Achevée le", french_date(date.fromisoformat(statements["completed_on"]))),
        (
            "Validité",
            f"jusqu’au {french_date(date.fromisoformat(expires_on))}"
            if expires_on
            else "sans date d’expiration",
        ),
        ("Émetteur", statements["issuer"]),
    ]
