"""How fast certificates are produced: PDFs per second and the median time of one.

    .venv/bin/python bench/certificates.py [--count 300]

Each PDF is signed and carries a QR code of its own verification URL, as on the platform.
"First download" gives every certificate a new code (the QR code is encoded anew, the usual
case); "downloaded again" renders the same certificate repeatedly (the QR code comes from the
process's cache). Open Badges credentials are measured too.

The last lines go through the application (SQLite in a temporary folder, a learner who completed
the example course): the PDF and badge downloads, with the login check, the database lookup and
the headers; and the public verification page.
"""

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from training.certificates.codes import generate_code  # noqa: E402
from training.certificates.data import CertificateData  # noqa: E402
from training.certificates.open_badges import issue_credential_jwt  # noqa: E402
from training.certificates.pdf import render_certificate_pdf  # noqa: E402


def sample(code: str) -> CertificateData:
    return CertificateData(
        code=code,
        holder_name="Nguyễn Thị Ánh Łukasz-Żółć",
        course_title="Repérer et signaler la traite des êtres humains : le tronc commun",
        course_slug="tronc-commun",
        course_version=2,
        course_minutes=150,
        completed_on=date(2026, 11, 28),
        expires_on=date(2028, 11, 28),
        issuer="Miprof — ENM",
        verification_url=f"https://formation.exemple.gouv.fr/verifier/{code}",
    )


def measure(label: str, count: int, make: Callable[[int], object]) -> None:
    make(-1)  # warm-up: fonts registered, modules imported
    durations = []
    started = time.perf_counter()
    for index in range(count):
        before = time.perf_counter()
        make(index)
        durations.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    median_ms = statistics.median(durations) * 1000
    p95_ms = statistics.quantiles(durations, n=20)[-1] * 1000
    print(
        f"{label:<42} {count / elapsed:7.0f} /s   median {median_ms:6.2f} ms   p95 {p95_ms:6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    count = parser.parse_args().count
    key = Ed25519PrivateKey.generate()
    fresh = [sample(generate_code()) for _ in range(count + 1)]
    same = sample(generate_code())
    size = len(render_certificate_pdf(same, signing_key=key))

    print(f"{count} certificates each, one process, PDF of {size / 1024:.0f} KiB")
    measure(
        "signed PDF, first download (new QR code)",
        count,
        lambda index: render_certificate_pdf(fresh[index], signing_key=key),
    )
    measure(
        "signed PDF, downloaded again",
        count,
        lambda _: render_certificate_pdf(same, signing_key=key),
    )
    measure("Open Badges 3.0 VC-JWT", count, lambda index: issue_credential_jwt(fresh[index], key))
    with tempfile.TemporaryDirectory(prefix="bench-certificates-") as folder:
        measure_application(count, Path(folder))


def measure_application(count: int, folder: Path) -> None:
    """Downloads and verification served by the app, for one learner's real certificate."""
    import logging

    from flask_migrate import upgrade

    from config import TestingConfig
    from training import create_app
    from training.accounts import services as accounts
    from training.accounts.models import Profession, Territory
    from training.catalog import services as catalog
    from training.certificates.signing import write_new_private_key
    from training.content import services as content
    from training.content.models import Step
    from training.extensions import db
    from training.learning import services as learning
    from training.learning.models import StepCompletion
    from training.timeutils import utcnow

    root = Path(__file__).resolve().parent.parent
    write_new_private_key(folder / "key.pem")

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / 'bench.sqlite3'}"
        CERTIFICATE_SIGNING_KEY_PATH = str(folder / "key.pem")
        CERTIFICATE_VERIFICATION_LIMIT = "1000000 per minute"
        WTF_CSRF_ENABLED = False

    app = create_app(Config)
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' log lines
        upgrade()
        logging.disable(logging.NOTSET)
        content.import_courses([root / "docs" / "exemple-cours"])
        user = accounts.register_user(
            email="bench@exemple.fr",
            full_name="Nguyễn Thị Ánh",
            password="une phrase de passe de mesure",
            profession=db.session.scalar(db.select(Profession).filter_by(code="autre")),
            territory=db.session.scalar(db.select(Territory).filter_by(code="paris")),
        )
        user.email_confirmed_at = utcnow()
        course = catalog.course_by_slug("exemple-cours")
        enrolment = catalog.enrol(user, course)
        db.session.flush()
        for step in db.session.scalars(
            db.select(Step).where(Step.version_id == enrolment.version_id)
        ):
            db.session.add(StepCompletion(enrolment_id=enrolment.id, step_id=step.id))
        assert learning.complete_if_done(enrolment)
        db.session.commit()
    client = app.test_client()
    client.post(
        "/connexion",
        data={"email": "bench@exemple.fr", "password": "une phrase de passe de mesure"},
    )
    code = re.search(r"TEH-[0-9A-Z-]{14}", client.get("/mon-parcours").text).group(0)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    measure(
        "app: PDF download (login, lookup, render)",
        count,
        lambda _: get(f"/attestations/{code}.pdf"),
    )
    measure(
        "app: Open Badge download", count, lambda _: get(f"/attestations/{code}/open-badge.jwt")
    )
    measure("app: public verification page", count, lambda _: get(f"/verifier/{code}"))
    with app.app_context():
        db.engine.dispose()


if __name__ == "__main__":
    main()
