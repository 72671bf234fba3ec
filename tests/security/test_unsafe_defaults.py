"""Nothing unsafe by default: a server started without APP_ENV runs the production settings,
which refuse a weak key, and the demo accounts exist only in development (V14.3.2, V2.5.4,
V2.10.4)."""

import subprocess
import sys

import pytest

from config import ConfigurationError, ProductionConfig, config_from_environment
from tests.conftest import ROOT
from training import create_app

SITE = "https://formation.exemple.gouv.fr"


def test_without_app_env_the_settings_are_production(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    assert config_from_environment() is ProductionConfig


def test_the_wsgi_entry_point_without_app_env_refuses_to_start_without_a_key():
    """What `gunicorn wsgi:app` does on a server where nobody set APP_ENV or SECRET_KEY."""
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ConfigurationError: SECRET_KEY is required in production" in result.stderr


@pytest.fixture
def production(monkeypatch, certificate_key_path):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "x" * 32)
    monkeypatch.setattr(ProductionConfig, "SQLALCHEMY_DATABASE_URI", "postgresql://db/x")
    monkeypatch.setattr(ProductionConfig, "CERTIFICATE_SIGNING_KEY_PATH", str(certificate_key_path))
    monkeypatch.setattr(ProductionConfig, "SITE_URL", SITE)
    return monkeypatch


@pytest.mark.parametrize("key", ["x" * 31, "é" * 15])
def test_production_refuses_a_secret_key_shorter_than_32_bytes(production, key):
    ProductionConfig.validate()
    production.setattr(ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(ConfigurationError) as error:
        ProductionConfig.validate()
    assert str(error.value).startswith("SECRET_KEY is too short for production: at least 32")


def test_flask_demo_refuses_production_settings(production, tmp_path):
    production.setattr(
        ProductionConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'prod.sqlite3'}"
    )
    result = create_app(ProductionConfig).test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 1
    assert "flask demo ne s'exécute qu'avec les réglages de développement" in result.output
    assert "APP_ENV=development" in result.output
