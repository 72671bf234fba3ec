"""Signing certificates: the key file, the signed payload, tampering, and the published key."""

import io
import json
import stat
import subprocess

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc.jwk import OKPKey
from pypdf import PdfReader, PdfWriter

from tests.certificates.conftest import needs_tools
from training.certificates import signing
from training.certificates.pdf import (
    PAYLOAD_FILENAME,
    SIGNATURE_FILENAME,
    read_signed_payload,
    render_certificate_pdf,
    verify_certificate_pdf,
)

from .conftest import SITE

# --- the key file -------------------------------------------------------------------------


def test_a_new_key_is_written_for_its_owner_only(tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    key = signing.write_new_private_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    loaded = signing.load_private_key(path)
    assert signing.public_key_pem(loaded.public_key()) == signing.public_key_pem(key.public_key())


def test_an_existing_key_is_never_overwritten(tmp_path):
    path = tmp_path / "signing.pem"
    signing.write_new_private_key(path)
    before = path.read_bytes()
    with pytest.raises(signing.KeyFileError, match="existe déjà"):
        signing.write_new_private_key(path)
    assert path.read_bytes() == before


def test_a_missing_key_says_how_to_create_one(tmp_path):
    with pytest.raises(signing.KeyFileError, match="flask certificates keygen"):
        signing.load_private_key(tmp_path / "absent.pem")


def test_a_key_of_another_kind_is_refused(tmp_path):
    path = tmp_path / "ec.pem"
    path.write_bytes(
        ec.generate_private_key(ec.SECP256R1()).private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(signing.KeyFileError, match="Ed25519"):
        signing.load_private_key(path)
    with pytest.raises(signing.KeyFileError, match="Ed25519"):
        signing.load_public_key(path)


def test_a_file_that_is_no_key_is_refused(tmp_path):
    path = tmp_path / "garbage.pem"
    path.write_text("pas une clé")
    with pytest.raises(signing.KeyFileError, match="lisible"):
        signing.load_private_key(path)
    with pytest.raises(signing.KeyFileError, match="lisible"):
        signing.load_public_key(path)


def test_the_public_key_loads_from_its_pem_or_from_the_private_key_file(tmp_path, signing_key):
    public_pem = tmp_path / "public.pem"
    public_pem.write_text(signing.public_key_pem(signing_key.public_key()))
    private_pem = tmp_path / "private.pem"
    private_pem.write_bytes(
        signing_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    expected = signing.public_key_pem(signing_key.public_key())
    assert signing.public_key_pem(signing.load_public_key(public_pem)) == expected
    assert signing.public_key_pem(signing.load_public_key(private_pem)) == expected


# --- the published key --------------------------------------------------------------------


def test_the_published_key_is_a_standard_jwk_without_its_private_part(signing_key):
    jwks = signing.public_jwks(signing_key.public_key(), SITE + "/")
    (jwk,) = jwks["keys"]
    assert "d" not in jwk
    thumbprint = signing.key_thumbprint(signing_key.public_key())
    assert jwk["kid"] == f"{SITE}/.well-known/jwks.json#{thumbprint}"
    imported = OKPKey.import_key(jwk)
    assert imported.thumbprint() == thumbprint
    assert imported.as_pem(private=False).decode() == signing.public_key_pem(
        signing_key.public_key()
    )


def test_the_published_pem_is_what_openssl_reads(signing_key):
    pem = signing.public_key_pem(signing_key.public_key())
    assert pem.startswith("-----BEGIN PUBLIC KEY-----\n")
    assert pem.endswith("-----END PUBLIC KEY-----\n")


# --- the signed payload -------------------------------------------------------------------


def test_the_payload_is_canonical_json(make_data):
    payload = signing.canonical_payload(make_data())
    assert (
        payload
        == (
            '{"code":"TEH-7K3M-9QX2-P4AT","completed_on":"2026-11-28","course_slug":"tronc-commun",'
            '"course_title":"Repérer et signaler la traite des êtres humains : le tronc commun",'
            '"course_version":2,"expires_on":"2028-11-28","format":1,"holder":"Nguyễn Thị Ánh",'
            '"issuer":"Miprof — ENM"}'
        ).encode()
    )


def test_a_payload_without_expiry_says_null(make_data):
    payload = json.loads(signing.canonical_payload(make_data(expires_on=None)))
    assert payload["expires_on"] is None


def test_a_signed_payload_verifies(make_data, signing_key):
    payload = signing.canonical_payload(make_data())
    statements = signing.verify_signed_payload(
        payload, signing.sign(payload, signing_key), signing_key.public_key()
    )
    assert statements["holder"] == "Nguyễn Thị Ánh"


def test_every_single_altered_byte_is_caught(make_data, signing_key):
    payload = signing.canonical_payload(make_data())
    signature = signing.sign(payload, signing_key)
    public_key = signing_key.public_key()
    for position in range(len(payload)):
        altered = _flip(payload, position)
        with pytest.raises(signing.SignatureError, match="ne correspond pas"):
            signing.verify_signed_payload(altered, signature, public_key)
    for position in range(len(signature)):
        with pytest.raises(signing.SignatureError, match="ne correspond pas"):
            signing.verify_signed_payload(payload, _flip(signature, position), public_key)


def test_another_key_does_not_verify(make_data, signing_key):
    payload = signing.canonical_payload(make_data())
    with pytest.raises(signing.SignatureError):
        signing.verify_signed_payload(
            payload,
            signing.sign(payload, signing_key),
            Ed25519PrivateKey.generate().public_key(),
        )


# --- the signed PDF -----------------------------------------------------------------------


def test_a_genuine_pdf_verifies(make_data, signing_key):
    pdf = render_certificate_pdf(make_data(), signing_key=signing_key)
    statements = verify_certificate_pdf(pdf, signing_key.public_key())
    assert statements["code"] == "TEH-7K3M-9QX2-P4AT"
    assert statements["holder"] == "Nguyễn Thị Ánh"


def test_a_pdf_with_one_byte_changed_in_its_payload_is_refused(make_data, signing_key):
    data = make_data()
    pdf = render_certificate_pdf(data, signing_key=signing_key)
    start = pdf.index(signing.canonical_payload(data))
    position = start + pdf[start:].index(b"Nguy")
    tampered = pdf[:position] + b"M" + pdf[position + 1 :]  # Nguyễn → Mguyễn
    with pytest.raises(signing.SignatureError, match="ne correspond pas au contenu"):
        verify_certificate_pdf(tampered, signing_key.public_key())


def test_a_pdf_with_one_byte_changed_in_its_signature_is_refused(make_data, signing_key):
    pdf = render_certificate_pdf(make_data(), signing_key=signing_key)
    _, signature = read_signed_payload(pdf)
    position = pdf.index(signature) + 17
    tampered = _flip(pdf, position)
    with pytest.raises(signing.SignatureError, match="ne correspond pas au contenu"):
        verify_certificate_pdf(tampered, signing_key.public_key())


def test_a_pdf_whose_payload_was_edited_is_refused(make_data, signing_key):
    """The forger rewrites the attachment with a PDF library, keeping the signature."""
    data = make_data()
    pdf = render_certificate_pdf(data, signing_key=signing_key)
    payload, signature = read_signed_payload(pdf)
    edited = payload.replace(b'"expires_on":"2028-11-28"', b'"expires_on":"2038-11-28"')
    assert edited != payload
    forged = _with_attachments(pdf, {PAYLOAD_FILENAME: edited, SIGNATURE_FILENAME: signature})
    assert read_signed_payload(forged) == (edited, signature)
    with pytest.raises(signing.SignatureError, match="ne correspond pas au contenu"):
        verify_certificate_pdf(forged, signing_key.public_key())


def test_a_page_edited_around_genuine_attachments_is_refused(make_data, signing_key):
    genuine = render_certificate_pdf(make_data(), signing_key=signing_key)
    payload, signature = read_signed_payload(genuine)
    other_page = render_certificate_pdf(make_data(holder_name="Jean Usurpateur"))
    forged = _with_attachments(
        other_page, {PAYLOAD_FILENAME: payload, SIGNATURE_FILENAME: signature}
    )
    with pytest.raises(signing.SignatureError, match="n’affiche pas le nom du titulaire"):
        verify_certificate_pdf(forged, signing_key.public_key())


def test_an_unsigned_pdf_is_not_a_signed_certificate(make_data, signing_key):
    with pytest.raises(signing.SignatureError, match="ne contient pas de contenu signé"):
        verify_certificate_pdf(render_certificate_pdf(make_data()), signing_key.public_key())


def test_a_file_that_is_no_pdf_is_refused(signing_key):
    with pytest.raises(signing.SignatureError, match="n’est pas un PDF lisible"):
        verify_certificate_pdf(b"%PDF-1.4 tout sauf un PDF", signing_key.public_key())


def test_a_certificate_signed_by_another_key_is_refused(make_data, signing_key):
    pdf = render_certificate_pdf(make_data(), signing_key=Ed25519PrivateKey.generate())
    with pytest.raises(signing.SignatureError, match="ne correspond pas"):
        verify_certificate_pdf(pdf, signing_key.public_key())


# --- the recipe of docs/verifier-une-attestation.md, with the tools it names ----------------


@needs_tools("pdfdetach", "openssl")
def test_a_third_party_verifies_with_pdfdetach_and_openssl(tmp_path, make_data, signing_key):
    (tmp_path / "attestation.pdf").write_bytes(
        render_certificate_pdf(make_data(), signing_key=signing_key)
    )
    (tmp_path / "cle-publique.pem").write_text(signing.public_key_pem(signing_key.public_key()))

    def run(*command: str) -> subprocess.CompletedProcess:
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)

    listing = run("pdfdetach", "-list", "attestation.pdf")
    assert "certificate.json" in listing.stdout
    assert "certificate.sig" in listing.stdout
    assert run("pdfdetach", "-saveall", "attestation.pdf").returncode == 0
    verify = (
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "cle-publique.pem",
        "-rawin",
        "-in",
        "certificate.json",
        "-sigfile",
        "certificate.sig",
    )
    result = run(*verify)
    if "rawin" in result.stderr and result.returncode != 0:
        pytest.skip(f"this openssl cannot verify Ed25519 raw input: {result.stderr.strip()}")
    assert result.returncode == 0, result.stderr
    assert "Signature Verified Successfully" in result.stdout

    payload = (tmp_path / "certificate.json").read_bytes()
    (tmp_path / "certificate.json").write_bytes(payload.replace(b"2028", b"2038"))
    assert run(*verify).returncode != 0


def _flip(data: bytes, position: int) -> bytes:
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


def _with_attachments(pdf: bytes, files: dict[str, bytes]) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    if "/Names" in writer.root_object:
        del writer.root_object["/Names"]
    for name, content in files.items():
        writer.add_attachment(name, content)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
