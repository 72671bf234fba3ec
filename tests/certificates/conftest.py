"""Certificate fixtures: sample data, a throwaway key, and certificates earned for real."""

import dataclasses
import os
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.learning.conftest import (
    LESSON_1,
    LESSON_2,
    enrol,
    finish_lesson,
    quiz_answers,
    start_attempt,
    submit,
)
from training.catalog.models import Enrolment
from training.certificates.data import CertificateData
from training.certificates.models import Certificate
from training.certificates.services import add_months, paris_today
from training.extensions import db

SITE = "https://formation.exemple.gouv.fr"
#: A sample certificate's data (a name with diacritics, as real ones have).
SAMPLE_DATA = CertificateData(
    code="TEH-7K3M-9QX2-P4AT",
    holder_name="Nguyễn Thị Ánh",
    course_title="Repérer et signaler la traite des êtres humains : le tronc commun",
    course_slug="tronc-commun",
    course_version=2,
    course_minutes=150,
    completed_on=date(2026, 11, 28),
    expires_on=date(2028, 11, 28),
    issuer="Miprof — ENM",
    verification_url=f"{SITE}/verifier/TEH-7K3M-9QX2-P4AT",
)


@pytest.fixture
def make_data():
    """A sample certificate's data, any field replaced: `make_data(holder_name=…)`."""

    def make(**changes) -> CertificateData:
        return dataclasses.replace(SAMPLE_DATA, **changes)

    return make


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


# --- certificates earned through the real journey ------------------------------------------


def earn_certificate(app, client) -> str:
    """Take the client's learner through the example course (enrol, both lessons, the quiz
    passed) and return the code of the certificate this issues."""
    assert enrol(client).status_code == 302
    assert finish_lesson(client, LESSON_1).status_code == 302
    assert finish_lesson(client, LESSON_2).status_code == 302
    assert submit(client, start_attempt(client), quiz_answers(app, True)).status_code == 302
    with app.app_context():
        code = db.session.scalar(
            sa.select(Certificate.code)
            .join(Certificate.enrolment)
            .where(Enrolment.user_id == client.user.id)
            .order_by(Certificate.id.desc())
        )
    assert code is not None
    return code


@pytest.fixture
def certified(app, login_as, example_course):
    """A learner client holding a certificate of the example course: `client.code`."""
    client = login_as(full_name="Nguyễn Thị Ánh")
    client.code = earn_certificate(app, client)
    return client


def change_certificate(app, code: str, **values) -> None:
    """Rewrite columns of a stored certificate (e.g. move its dates into the past)."""
    with app.app_context():
        db.session.execute(sa.update(Certificate).where(Certificate.code == code).values(**values))
        db.session.commit()


def expire(app, code: str) -> None:
    """Make the certificate expired yesterday (completed 25 months ago)."""
    today = paris_today()
    change_certificate(
        app,
        code,
        completed_on=add_months(today, -25),
        expires_on=today - timedelta(days=1),
    )


def needs_tools(*commands: str):
    """Mark a test that runs command-line tools `make test` installs: skipped without them,
    except in CI (CI=true), where a missing tool fails the run instead of hiding the test."""
    missing = [command for command in commands if shutil.which(command) is None]
    if missing and os.environ.get("CI") == "true":
        return lambda test: test  # run it anyway: the missing tool fails it loudly
    return pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)}")


def scan_qr_code(pdf: bytes, folder: Path) -> str:
    """What a phone reads from the certificate: the page rendered at 100 dpi, then scanned."""
    (folder / "attestation.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", "attestation.pdf", "page"],
        cwd=folder,
        check=True,
    )
    return subprocess.run(
        ["zbarimg", "--quiet", "--raw", "page.png"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
