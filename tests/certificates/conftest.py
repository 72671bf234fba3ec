"""Certificate fixtures: a sample certificate's data and a throwaway signing key."""

import dataclasses
from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from training.certificates.data import CertificateData

SITE = "https://formation.exemple.gouv.fr"


@pytest.fixture
def make_data():
    """A sample certificate's data, any field replaced: `make_data(holder_name=…)`."""

    def make(**changes) -> CertificateData:
        data = CertificateData(
            code="TEH-7K3M-9QX2-P4AT",
            holder_name="Nguyễn Thị Ánh",
            course_title="Repérer et signaler la traite des êtres humains : le tronc commun",
            course_slug="tronc-commun",
            course_version=2,
            course_minutes=150,
            completed_on=date(2026, 11, 28),
            expires_on=date(2028, 11, 28),
            issuer="Miprof — ENM",
            verification_url=f"{SITE}/attestations/TEH-7K3M-9QX2-P4AT",
        )
        return dataclasses.replace(data, **changes)

    return make


@pytest.fixture
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()
