"""Production refuses to start without the signing key and the public address."""

import pytest

from config import ConfigurationError, ProductionConfig


@pytest.fixture
def production(monkeypatch, certificate_key_path):
    """A production configuration with every required setting; tests remove one."""
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 40)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgresql://db/x")
    monkeypatch.setattr(ProductionConfig, "CERTIFICATE_SIGNING_KEY_PATH", str(certificate_key_path))
    monkeypatch.setattr(ProductionConfig, "SITE_URL", "https://formation.exemple.gouv.fr")
    return monkeypatch


def refusal() -> str:
    with pytest.raises(ConfigurationError) as error:
        ProductionConfig.validate()
    message = str(error.value)
    assert "\n" not in message
    return message


def test_a_complete_production_configuration_starts(production):
    ProductionConfig.validate()
    assert ProductionConfig.PREFERRED_URL_SCHEME == "https"


def test_production_needs_the_signing_key_setting(production):
    production.setattr(ProductionConfig, "CERTIFICATE_SIGNING_KEY_PATH", None)
    assert refusal().startswith("CERTIFICATE_SIGNING_KEY_PATH is required in production")


def test_production_needs_the_signing_key_file(production, tmp_path):
    production.setattr(ProductionConfig, "CERTIFICATE_SIGNING_KEY_PATH", str(tmp_path / "x.pem"))
    assert "is not a readable file" in refusal()
    production.setattr(ProductionConfig, "CERTIFICATE_SIGNING_KEY_PATH", str(tmp_path))
    assert "is not a readable file" in refusal()


@pytest.mark.parametrize("site_url", [None, "", "formation.exemple.gouv.fr", "https://"])
def test_production_needs_the_public_address(production, site_url):
    production.setattr(ProductionConfig, "SITE_URL", site_url)
    assert refusal().startswith("SITE_URL is required in production")
