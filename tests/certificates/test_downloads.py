"""Who may download a certificate, what the files are, and checking them with the published key."""

import io
import json
import re
from datetime import UTC, datetime

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.jwk import JWKRegistry, KeySet
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.certificates.conftest import change_certificate, expire
from training.accounts.models import Role
from training.certificates import open_badges, services, signing
from training.certificates.pdf import verify_certificate_pdf
from training.timeutils import utcnow


def urls_of(code: str) -> tuple[str, str]:
    return f"/attestations/{code}.pdf", f"/attestations/{code}/open-badge.jwt"


# --- access -------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_login_page(app, certified):
    for url in urls_of(certified.code):
        response = app.test_client().get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/connexion?next=")


@pytest.mark.parametrize("role", [Role.LEARNER, Role.TRAINER, Role.MONITOR])
def test_nobody_else_may_download_someone_elses_certificate(login_as, certified, role):
    other = login_as(role)
    for url in urls_of(certified.code):
        response = other.get(url)
        assert response.status_code == 404
        assert "Page non trouvée" in response.get_data(as_text=True)
        assert certified.code not in response.get_data(as_text=True)


def test_someone_elses_code_and_an_unknown_code_look_the_same(login_as, certified):
    other = login_as()
    other.get("/")  # shows and consumes the login's flash message
    unknown = other.get("/attestations/TEH-0000-0000-0000.pdf")
    someone_elses = other.get(f"/attestations/{certified.code}.pdf")
    assert unknown.status_code == someone_elses.status_code == 404
    # Equal but for the request's own reference, which every error page shows.
    assert without_reference(unknown) == without_reference(someone_elses)
    assert unknown.headers["X-Request-ID"] != someone_elses.headers["X-Request-ID"]


def without_reference(response) -> str:
    """The page without what differs from one request to the next: its reference, and the
    CSRF token of the log-out button (which carries the second it was made)."""
    page = response.get_data(as_text=True).replace(response.headers["X-Request-ID"], "")
    return re.sub(r'name="csrf_token"(?: type="hidden")? value="[^"]+"', "", page)


def test_an_admin_may_download_any_certificate(login_as, certified):
    admin = login_as(Role.ADMIN)
    pdf, badge = urls_of(certified.code)
    assert admin.get(pdf).status_code == 200
    assert admin.get(badge).status_code == 200


def test_a_holder_may_download_an_expired_certificate(app, certified):
    expire(app, certified.code)
    assert certified.get(urls_of(certified.code)[0]).status_code == 200


def test_a_revoked_certificate_is_no_longer_downloadable_by_its_holder(app, certified, login_as):
    change_certificate(app, certified.code, revoked_at=utcnow(), revocation_reason="Fraude.")
    for url in urls_of(certified.code):
        response = certified.get(url)
        assert response.status_code == 410
        assert "Cette attestation a été révoquée" in response.get_data(as_text=True)
    assert login_as(Role.ADMIN).get(urls_of(certified.code)[0]).status_code == 200
    html = certified.get("/mon-parcours").get_data(as_text=True)
    assert "Révoquée depuis le" in html
    assert f'href="/attestations/{certified.code}.pdf"' not in html


def test_a_code_typed_in_lower_case_downloads_the_same_file(certified):
    response = certified.get(f"/attestations/{certified.code.lower()}.pdf")
    assert response.status_code == 200
    assert certified.code in response.headers["Content-Disposition"]


def test_a_missing_signing_key_is_a_french_503(app, certified, monkeypatch, tmp_path):
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNING_KEY_PATH", str(tmp_path / "absente.pem"))
    response = certified.get(urls_of(certified.code)[0])
    assert response.status_code == 503
    assert "ne peuvent pas être produites pour le moment" in response.get_data(as_text=True)


# --- the files ------------------------------------------------------------------------------


def test_the_badge_is_a_signed_open_badges_credential(app, certified):
    response = certified.get(urls_of(certified.code)[1])
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vc+jwt"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="attestation-{certified.code}-open-badge.jwt"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    with app.app_context():
        public_key = services.signing_key().public_key()
    credential = open_badges.verify_credential(response.get_data(as_text=True), public_key)
    assert credential["id"] == f"http://formation.test/verifier/{certified.code}"
    assert credential["issuer"]["id"] == "http://formation.test"
    assert credential["credentialSubject"]["identifier"][0]["identityHash"] == "Nguyễn Thị Ánh"
    assert open_badges.missing_required_fields(credential) == []


# The badge keeps "EdDSA", which RFC 9864 deprecates (see test_open_badges.py).
@pytest.mark.filterwarnings("ignore:EdDSA is deprecated via RFC 9864")
def test_the_well_known_key_verifies_the_pdf_and_the_badge(app, certified):
    visitor = app.test_client()
    pem = visitor.get("/.well-known/certificate-signing-key.pem")
    assert pem.status_code == 200
    assert pem.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert pem.headers["Access-Control-Allow-Origin"] == "*"
    public_key = serialization.load_pem_public_key(pem.data)
    assert b"PRIVATE" not in pem.data

    pdf = certified.get(urls_of(certified.code)[0]).data
    statements = verify_certificate_pdf(pdf, public_key)
    assert statements["code"] == certified.code
    assert statements["holder"] == "Nguyễn Thị Ánh"

    jwks = visitor.get("/.well-known/jwks.json")
    assert jwks.status_code == 200
    assert jwks.headers["Content-Type"] == "application/json"
    key_set = jwks.get_json()
    assert all("d" not in key for key in key_set["keys"])
    token = certified.get(urls_of(certified.code)[1]).get_data(as_text=True)
    header = json.loads(signing.b64url_decode(token.split(".")[0]))
    (jwk,) = [key for key in key_set["keys"] if key["kid"] == header["kid"]]
    assert jwk["kid"].startswith("http://formation.test/.well-known/jwks.json#")
    # An independent JOSE implementation checks the badge with the published key set.
    registry = jws.JWSRegistry(algorithms=["EdDSA"])
    verified = jws.deserialize_compact(token, KeySet.import_key_set(key_set), registry=registry)
    assert json.loads(verified.payload)["jti"] == f"http://formation.test/verifier/{certified.code}"
    assert open_badges.verify_credential(
        token, JWKRegistry.import_key(jwk).get_op_key("verify"), now=datetime.now(UTC)
    )


def test_the_well_known_certificate_is_the_one_that_signs_the_pdf(app, certified):
    response = app.test_client().get("/.well-known/certificate-signing-cert.pem")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/x-pem-file"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    published = x509.load_pem_x509_certificate(response.data)
    pdf = certified.get(urls_of(certified.code)[0]).data
    (signature,) = PdfFileReader(io.BytesIO(pdf)).embedded_signatures
    assert signature.signer_cert.dump() == published.public_bytes(serialization.Encoding.DER)


def test_the_key_is_read_once_per_process(app, monkeypatch):
    calls = []
    original = signing.load_private_key

    def counting(path):
        calls.append(path)
        return original(path)

    monkeypatch.setattr(signing, "load_private_key", counting)
    services._private_key_at.cache_clear()
    with app.app_context():
        first = services.signing_key()
        assert services.signing_key() is first
    assert len(calls) == 1


def test_offline_verification_accepts_the_download_and_rejects_one_altered_byte(
    app, certified, tmp_path
):
    pdf = certified.get(urls_of(certified.code)[0]).data
    genuine = tmp_path / "attestation.pdf"
    genuine.write_bytes(pdf)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["certificates", "verify", str(genuine)])
    assert result.exit_code == 0, result.stderr
    assert "Attestation authentique" in result.stdout
    assert f"Code : {certified.code}" in result.stdout

    # One byte of the signed payload changed: a digit of the completion date.
    position = pdf.index(b'"completed_on":"') + len(b'"completed_on":"') + 3
    altered = bytearray(pdf)
    altered[position] = ord("0") if altered[position] != ord("0") else ord("1")
    forged = tmp_path / "falsifiee.pdf"
    forged.write_bytes(bytes(altered))
    result = runner.invoke(args=["certificates", "verify", str(forged)])
    assert result.exit_code == 1
    assert "Attestation non authentique" in result.stderr
