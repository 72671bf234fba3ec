"""`flask certificates keygen`, `public-key`, `signing-certificate` and `verify`, as an operator
runs them."""

import io
import stat

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader, PdfWriter

from training.certificates import signing
from training.certificates.pdf import PAYLOAD_FILENAME, render_certificate_pdf


@pytest.fixture
def key_path(app, tmp_path, monkeypatch):
    """The configured key path, pointing into the test's own directory."""
    path = tmp_path / "instance" / "certificate-signing-key.pem"
    monkeypatch.setitem(app.config, "CERTIFICATE_SIGNING_KEY_PATH", str(path))
    return path


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["certificates", *args])


def test_keygen_writes_the_configured_key_and_prints_the_public_one(app, key_path):
    result = run(app, "keygen")
    assert result.exit_code == 0, result.stdout
    assert stat.S_IMODE(key_path.stat().st_mode) == 0o600
    public_pem = signing.public_key_pem(signing.load_private_key(key_path).public_key())
    assert result.stdout.endswith(public_pem)
    assert str(key_path) in result.stdout


def test_keygen_writes_where_it_is_told(app, key_path, tmp_path):
    out = tmp_path / "ailleurs.pem"
    assert run(app, "keygen", "--out", str(out)).exit_code == 0
    assert out.exists()
    assert not key_path.exists()


def test_keygen_refuses_to_overwrite_a_key(app, key_path):
    assert run(app, "keygen").exit_code == 0
    before = key_path.read_bytes()
    result = run(app, "keygen")
    assert result.exit_code != 0
    assert "existe déjà" in result.stderr
    assert key_path.read_bytes() == before


def test_public_key_prints_the_pem_to_publish(app, key_path):
    run(app, "keygen")
    result = run(app, "public-key")
    assert result.exit_code == 0
    assert result.stdout == signing.public_key_pem(signing.load_private_key(key_path).public_key())


def test_public_key_without_a_key_says_how_to_create_one(app, key_path):
    result = run(app, "public-key")
    assert result.exit_code != 0
    assert "flask certificates keygen" in result.stderr


@pytest.fixture
def signed_certificate(app, key_path, tmp_path, make_data):
    run(app, "keygen")
    key = signing.load_private_key(key_path)
    path = tmp_path / "attestation.pdf"
    path.write_bytes(render_certificate_pdf(make_data(), signing_key=key))
    return path


def test_verify_accepts_a_genuine_certificate(app, signed_certificate):
    result = run(app, "verify", str(signed_certificate))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Attestation authentique\n")
    for expected in (
        "Code : TEH-7K3M-9QX2-P4AT",
        "Titulaire : Nguyễn Thị Ánh",
        "(version 2)",
        "Achevée le : 28 novembre 2026",
        "Validité : jusqu’au 28 novembre 2028",
        "Émetteur : Miprof — ENM",
        "révocation",
    ):
        assert expected in result.stdout


def test_verify_with_the_published_public_key(app, signed_certificate, key_path, tmp_path):
    public = tmp_path / "cle-publique.pem"
    public.write_text(signing.public_key_pem(signing.load_private_key(key_path).public_key()))
    key_path.unlink()  # a third party has only the public key
    result = run(app, "verify", str(signed_certificate), "--public-key", str(public))
    assert result.exit_code == 0, result.stderr
    assert "Attestation authentique" in result.stdout


def test_verify_refuses_a_certificate_with_one_byte_changed(app, signed_certificate):
    pdf = signed_certificate.read_bytes()
    position = pdf.index(b'"completed_on":"2026') + len('"completed_on":"202')
    signed_certificate.write_bytes(pdf[:position] + b"5" + pdf[position + 1 :])
    result = run(app, "verify", str(signed_certificate))
    assert result.exit_code == 1
    assert result.stderr.startswith("Attestation non authentique : la signature ne correspond")
    assert "authentique\n" not in result.stdout


def test_verify_refuses_a_certificate_whose_payload_was_edited(app, signed_certificate):
    reader = PdfReader(signed_certificate)
    (payload,) = reader.attachments[PAYLOAD_FILENAME]
    writer = PdfWriter(clone_from=reader)
    names = writer.root_object["/Names"]["/EmbeddedFiles"]["/Names"]
    specification = names[names.index(PAYLOAD_FILENAME) + 1].get_object()
    stream = specification["/EF"]["/F"].get_object()
    stream.set_data(payload.replace("Nguyễn".encode(), b"Nguyen"))
    output = io.BytesIO()
    writer.write(output)
    signed_certificate.write_bytes(output.getvalue())

    result = run(app, "verify", str(signed_certificate))
    assert result.exit_code == 1
    assert "la signature ne correspond pas au contenu" in result.stderr


def test_verify_refuses_a_certificate_signed_with_another_key(app, key_path, tmp_path, make_data):
    run(app, "keygen")
    path = tmp_path / "autre.pdf"
    path.write_bytes(render_certificate_pdf(make_data(), signing_key=Ed25519PrivateKey.generate()))
    result = run(app, "verify", str(path))
    assert result.exit_code == 1
    assert "Attestation non authentique" in result.stderr


def test_verify_refuses_a_file_that_is_no_certificate(app, key_path, tmp_path):
    run(app, "keygen")
    path = tmp_path / "texte.pdf"
    path.write_text("bonjour")
    result = run(app, "verify", str(path))
    assert result.exit_code == 1
    assert "n’est pas un PDF lisible" in result.stderr


def test_signing_certificate_prints_the_x509_certificate_of_the_key(app, key_path):
    run(app, "keygen")
    result = run(app, "signing-certificate")
    assert result.exit_code == 0, result.stderr
    certificate = x509.load_pem_x509_certificate(result.stdout.encode())
    assert certificate.public_key() == signing.load_private_key(key_path).public_key()
    assert "Miprof" in certificate.subject.rfc4514_string()


def test_verify_says_the_whole_file_is_covered(app, signed_certificate):
    result = run(app, "verify", str(signed_certificate))
    assert "signature de document (PAdES) couvre tous ses octets" in result.stdout


def test_verify_refuses_a_byte_changed_on_the_page(app, signed_certificate):
    pdf = signed_certificate.read_bytes()
    # A digit of the page's MediaBox: the page is no longer the one signed.
    position = pdf.index(b"/MediaBox [ 0 0 841") + len(b"/MediaBox [ 0 0 84")
    signed_certificate.write_bytes(pdf[:position] + b"2" + pdf[position + 1 :])
    result = run(app, "verify", str(signed_certificate))
    assert result.exit_code == 1
    assert "au moins un octet a été modifié" in result.stderr
