"""The public verification page and form: statuses, typing mistakes, privacy, rate limit."""

from datetime import timedelta

import pytest

from tests.certificates.conftest import change_certificate, expire
from training.certificates import codes, services
from training.timeutils import french_date, utcnow


@pytest.fixture
def visitor(app):
    """Anyone, without an account: a court clerk, an employer."""
    return app.test_client()


def page(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.get_data(as_text=True)


def test_a_valid_certificate_states_who_what_and_when(app, certified, visitor):
    response = visitor.get(f"/verifier/{certified.code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Attestation valide" in html
    assert "Nguyễn Thị Ánh" in html
    assert "Cours d&#39;exemple : le format des fichiers" in html
    assert "Version de la formation</dt><dd>1</dd>" in html
    today = services.paris_today()
    assert f"Attestation délivrée le</dt><dd>{french_date(today)}</dd>" in html
    assert f"Valable jusqu'au {french_date(services.add_months(today, 24))}." in html


def test_the_page_shows_nothing_beyond_the_certificate(certified, visitor):
    html = visitor.get(f"/verifier/{certified.code}").get_data(as_text=True)
    for private in (certified.user.email, "Marseille", "Enseignant", "Mon parcours"):
        assert private not in html


def test_the_page_is_never_indexed_nor_cached(certified, visitor):
    response = visitor.get(f"/verifier/{certified.code}")
    assert '<meta name="robots" content="noindex, nofollow">' in response.get_data(as_text=True)
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Cache-Control"] == "no-store"
    form = visitor.get("/verifier")
    assert "noindex" in form.headers["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex, nofollow">' in form.get_data(as_text=True)


def test_an_expired_certificate_says_since_when(app, certified, visitor):
    expire(app, certified.code)
    status, html = page(visitor, f"/verifier/{certified.code}")
    assert status == 200
    today = services.paris_today()
    assert f"Attestation expirée depuis le {french_date(today)}" in html
    assert "Attestation valide" not in html


def test_a_certificate_is_valid_through_its_expiry_date(app, certified, visitor):
    today = services.paris_today()
    change_certificate(
        app, certified.code, completed_on=services.add_months(today, -24), expires_on=today
    )
    assert "Attestation valide" in page(visitor, f"/verifier/{certified.code}")[1]


def test_a_revoked_certificate_says_since_when_and_why(app, certified, visitor):
    expire(app, certified.code)  # revocation wins over expiry
    change_certificate(
        app,
        certified.code,
        revoked_at=utcnow() - timedelta(days=3),
        revocation_reason="Délivrée par erreur à la suite d'un incident technique.",
    )
    status, html = page(visitor, f"/verifier/{certified.code}")
    assert status == 200
    since = french_date(utcnow() - timedelta(days=3))
    assert f"Attestation révoquée depuis le {since}" in html
    assert "Délivrée par erreur à la suite d&#39;un incident technique." in html
    assert "Attestation valide" not in html
    assert "expirée" not in html


def test_an_unknown_code_is_a_french_404(visitor):
    unknown = codes.generate_code()
    status, html = page(visitor, f"/verifier/{unknown}")
    assert status == 404
    assert f"Aucune attestation ne porte le code {unknown}" in html
    status, html = page(visitor, f"/verifier?code={unknown}")
    assert status == 404
    assert f"Aucune attestation ne porte le code {unknown}" in html


def test_the_form_accepts_a_code_as_people_type_it(certified, visitor):
    typed = certified.code.lower().replace("-", " ")[4:]  # no prefix, spaces, lower case
    response = visitor.get("/verifier", query_string={"code": f"  {typed} "})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/verifier/{certified.code}"


def test_a_typing_mistake_is_explained_in_french(certified, visitor):
    body = certified.code.replace("-", "")[3:]
    wrong = "1" if body[4] != "1" else "2"
    typo = f"TEH-{body[:4]}-{wrong}{body[5:8]}-{body[8:]}"
    status, html = page(visitor, f"/verifier?code={typo}")
    assert status == 422
    assert "Ce code contient une faute de frappe" in html
    status, html = page(visitor, "/verifier?code=bonjour")
    assert status == 422
    assert "Un code d&#39;attestation compte 12 caractères" in html
    status, html = page(visitor, "/verifier?code=")
    assert status == 422
    assert "Saisissez le code de l&#39;attestation." in html


def test_the_page_of_a_code_typed_in_the_address_bar_redirects_to_the_canonical_one(
    certified, visitor
):
    response = visitor.get(f"/verifier/{certified.code.lower()}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/verifier/{certified.code}"
    assert visitor.get("/verifier/pas-un-code").status_code == 404


def test_the_empty_form(visitor):
    status, html = page(visitor, "/verifier")
    assert status == 200
    assert "<h1>Vérifier une attestation</h1>" in html
    assert 'name="code"' in html
    assert "csrf_token" not in html  # a GET form anyone may use without a session


def test_the_form_links_the_guide_which_anyone_can_read(visitor):
    _, html = page(visitor, "/verifier")
    assert (
        '<a href="/guides/verifier-une-attestation">guide « Vérifier une attestation »</a>' in html
    )
    status, guide = page(visitor, "/guides/verifier-une-attestation")
    assert status == 200
    assert "<h1>Vérifier une attestation</h1>" in guide
    assert "openssl pkeyutl -verify" in guide
    assert 'href="/verifier"' in guide


def test_lookups_are_rate_limited_per_address(app, visitor, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_VERIFICATION_LIMIT", "5 per minute")
    unknown = [codes.generate_code() for _ in range(6)]
    for code in unknown[:3]:
        assert visitor.get(f"/verifier/{code}").status_code == 404
    for code in unknown[3:5]:
        assert visitor.get(f"/verifier?code={code}").status_code == 404
    assert visitor.get("/verifier").status_code == 200  # opening the form is not a lookup
    response = visitor.get(f"/verifier/{unknown[5]}")
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "Trop de tentatives" in html
    assert "Patientez une minute" in html
    assert "noindex" in response.headers["X-Robots-Tag"]
    other_address = visitor.get(f"/verifier/{unknown[5]}", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_address.status_code == 404


def test_the_default_limit_is_thirty_lookups_a_minute(app, visitor):
    assert app.config["CERTIFICATE_VERIFICATION_LIMIT"] == "30 per minute"
    for _ in range(30):
        assert visitor.get(f"/verifier/{codes.generate_code()}").status_code == 404
    assert visitor.get(f"/verifier/{codes.generate_code()}").status_code == 429


def test_a_code_typed_in_the_form_counts_once(app, certified, visitor, monkeypatch):
    monkeypatch.setitem(app.config, "CERTIFICATE_VERIFICATION_LIMIT", "2 per minute")
    for _ in range(2):
        response = visitor.get("/verifier", query_string={"code": certified.code.lower()})
        assert response.status_code == 303
        assert visitor.get(response.headers["Location"]).status_code == 200
    assert visitor.get(f"/verifier/{certified.code}").status_code == 429
