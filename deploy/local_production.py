"""`make prod`: the production stack on this machine, for an operator to try it.

Production settings (APP_ENV=production), gunicorn with several workers, the job worker, on
PostgreSQL and Redis already running; stopped, every process, by Ctrl-C.

Production cookies are `Secure` and named `__Host-session`: a browser keeps them only over
HTTPS. Rather than a setting that would weaken them (and could be left on in a real
deployment), gunicorn serves HTTPS itself here, with a certificate made for 127.0.0.1 and
signed by its own key: the browser warns once (the certificate is not from an authority it
knows), the operator accepts it for this address, and the platform then runs exactly as in
production. The secret key, the certificate and its key are made once, in instance/ (never
committed), and kept.
"""

import argparse
import datetime
import ipaddress
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

ROOT = Path(__file__).resolve().parents[1]
INSTANCE = ROOT / "instance"
DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/formation_traite"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
LOOPBACK = "127.0.0.1"


def secret_key(path: Path) -> str:
    """The production SECRET_KEY of this machine: 32 random bytes, made on first use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A TLS certificate for 127.0.0.1 and localhost, made once; (certificate, key)."""
    certificate, key_file = directory / "tls-certificate.pem", directory / "tls-key.pem"
    if certificate.exists() and key_file.exists():
        return certificate, key_file
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Essai local de la plateforme")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(LOOPBACK)), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        # Its own authority, so that a client may be told to trust it (requests' verify=).
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )
    key_file.touch(mode=0o600)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    certificate.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return certificate, key_file


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if the server does not have it."""
    target = sa.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if not exists:
                connection.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
                print(f"Base {target.database} créée.")
    finally:
        engine.dispose()


def production_environment(
    *, port: int, database_url: str, redis_url: str, secret: str, signing_key: Path, **extra
) -> dict[str, str]:
    """The environment of every process of the stack: production settings for
    https://127.0.0.1:<port> (the TRUSTED_HOSTS come from SITE_URL's host)."""
    return {
        **os.environ,
        "APP_ENV": "production",
        "FLASK_APP": "wsgi",
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SITE_URL": f"https://{LOOPBACK}:{port}",
        "CERTIFICATE_SIGNING_KEY_PATH": str(signing_key),
        **{name: str(value) for name, value in extra.items()},
    }


def gunicorn_command(port: int, workers: int, certificate: Path, key: Path) -> list[str]:
    """gunicorn as docs/deploiement.md describes it, serving HTTPS itself on 127.0.0.1."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "wsgi:app",
        f"--bind={LOOPBACK}:{port}",
        f"--workers={workers}",
        "--timeout=30",
        "--graceful-timeout=30",
        "--max-requests=2000",
        "--max-requests-jitter=200",
        f"--certfile={certificate}",
        f"--keyfile={key}",
    ]


def worker_command() -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker"]


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], env=env, check=True)


def admin_count(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(sa.text("SELECT count(*) FROM users WHERE role = 'admin'"))
    finally:
        engine.dispose()


def first_admin(env: dict[str, str]) -> None:
    """No published password in production: ask for the first administrator, or say how."""
    if admin_count(env["DATABASE_URL"]):
        return
    command = "APP_ENV=production … .venv/bin/flask --app wsgi users create-admin ADRESSE"
    if not sys.stdin.isatty():
        print(f"Aucun administrateur : créez-le avec {command}")
        return
    email = input("Adresse du premier administrateur (vide pour passer) : ").strip()
    if email:
        flask(env, "users", "create-admin", email)
    else:
        print(f"Aucun administrateur pour l'instant : {command}")


def _interrupt(_signal, _frame) -> None:
    raise KeyboardInterrupt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PROD_PORT", "8443")))
    parser.add_argument("--workers", type=int, default=(os.cpu_count() or 1) * 2 + 1)
    options = parser.parse_args()

    secret = secret_key(INSTANCE / "production-secret-key")
    certificate, tls_key = self_signed_certificate(INSTANCE / "local-tls")
    signing_key = Path(
        os.environ.get("CERTIFICATE_SIGNING_KEY_PATH", INSTANCE / "certificate-signing-key.pem")
    )
    if not signing_key.exists():
        flask(
            {**os.environ, "APP_ENV": "development"},
            "certificates",
            "keygen",
            "--out",
            str(signing_key),
        )
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    ensure_database(database_url)
    extra = {}
    mail_printer = None
    if "MAIL_SERVER" not in os.environ:
        # No SMTP server given: the development one, printing each message here.
        extra = {"MAIL_SERVER": LOOPBACK, "MAIL_PORT": os.environ.get("MAIL_PORT", "8025")}
    env = production_environment(
        port=options.port,
        database_url=database_url,
        redis_url=os.environ.get("REDIS_URL", DEFAULT_REDIS_URL),
        secret=secret,
        signing_key=signing_key,
        **extra,
    )
    flask(env, "assets", "build")
    flask(env, "db", "upgrade")
    # The starter catalogue still has review notes (docs/catalogue.md): published for a trial.
    flask(env, "courses", "import", "courses", "--accept-review-notes")
    first_admin(env)

    # `kill` (SIGTERM) stops the stack as Ctrl-C does, children included.
    signal.signal(signal.SIGTERM, _interrupt)
    processes = []
    if extra:
        mail_printer = [sys.executable, "-m", "aiosmtpd", "-n", "-l"]
        mail_printer += [f"{LOOPBACK}:{extra['MAIL_PORT']}", "-c", "training.devmail.PrintDecoded"]
        processes.append(subprocess.Popen(mail_printer, env=env))
    processes.append(subprocess.Popen(worker_command(), env=env))
    processes.append(
        subprocess.Popen(
            gunicorn_command(options.port, options.workers, certificate, tls_key), env=env
        )
    )
    print(
        f"\nPlateforme en production locale : {env['SITE_URL']} ({options.workers} processus "
        "gunicorn, file des tâches, PostgreSQL, Redis). Certificat TLS fait pour cet essai : "
        "acceptez-le une fois dans le navigateur. Ctrl-C arrête tout.\n"
    )
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    main()
