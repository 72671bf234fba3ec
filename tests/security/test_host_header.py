"""Links placed in e-mails never follow the request's Host (OWASP WSTG-INPV-17, host header
injection): with SITE_URL set they are built on it, and a host outside TRUSTED_HOSTS is refused."""

import re
import subprocess
import sys

import pytest
from werkzeug.middleware.proxy_fix import ProxyFix

from tests.accounts.test_signup_and_confirmation import signup_data
from tests.conftest import ROOT

SITE = "https://formation.exemple.gouv.fr"


def ask_reset(client, email, headers=None):
    """The form as a browser on that host would send it (its cookies are that host's)."""
    headers = headers or {}
    page = client.get("/mot-de-passe-oublie", headers=headers).get_data(as_text=True)
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    return client.post(
        "/mot-de-passe-oublie",
        data={"email": email, "csrf_token": token.group(1) if token else ""},
        headers=headers,
    )


@pytest.fixture
def behind_one_proxy(app, monkeypatch):
    """The app as create_app wraps it with PROXY_COUNT=1: X-Forwarded-Host is believed."""
    monkeypatch.setattr(app, "wsgi_app", ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1))


def test_an_untrusted_host_gets_the_french_400_page_and_no_mail(
    app, client, make_user, mailbox, monkeypatch
):
    """V14.5.4: the host is checked against TRUSTED_HOSTS before any view runs."""
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["formation.test"])
    make_user("agent@exemple.fr")

    response = ask_reset(client, "agent@exemple.fr", {"Host": "evil.example"})

    assert response.status_code == 400
    assert "Requête incorrecte" in response.get_data(as_text=True)
    assert mailbox.messages == []
    assert ask_reset(client, "agent@exemple.fr").status_code == 302
    assert len(mailbox.to("agent@exemple.fr")) == 1


def test_an_untrusted_host_on_the_api_gets_a_json_400(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["formation.test"])
    response = client.get("/api/v1/openapi.json", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    "headers",
    [{"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}],
    ids=["host", "x-forwarded-host"],
)
def test_the_reset_link_is_on_site_url_whatever_the_request_says(
    app, client, make_user, mailbox, monkeypatch, behind_one_proxy, headers
):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    make_user("agent@exemple.fr")

    assert ask_reset(client, "agent@exemple.fr", headers).status_code == 302

    assert mailbox.last_link("agent@exemple.fr").startswith(f"{SITE}/mot-de-passe/")


def test_the_confirmation_link_is_on_site_url(app, client, mailbox, monkeypatch, behind_one_proxy):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    data = signup_data(client, app)
    response = client.post("/inscription", data=data, headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 302
    assert mailbox.last_link("nadia.benali@exemple.fr").startswith(f"{SITE}/")


def test_the_openapi_server_is_site_url(app, client, monkeypatch, behind_one_proxy):
    monkeypatch.setitem(app.config, "SITE_URL", SITE)
    response = client.get("/api/v1/openapi.json", headers={"X-Forwarded-Host": "evil.example"})
    assert response.json["servers"] == [{"url": SITE}]


def production_setting(name: str, **environment: str) -> str:
    """A setting of ProductionConfig as read from this environment, in a fresh interpreter."""
    result = subprocess.run(
        [sys.executable, "-c", f"import config; print(config.ProductionConfig.{name})"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_production_trusts_only_the_host_of_site_url_by_default():
    assert production_setting("TRUSTED_HOSTS", SITE_URL=SITE) == "['formation.exemple.gouv.fr']"
    assert (
        production_setting(
            "TRUSTED_HOSTS", SITE_URL=SITE, TRUSTED_HOSTS="a.exemple.fr, .b.exemple.fr"
        )
        == "['a.exemple.fr', '.b.exemple.fr']"
    )
