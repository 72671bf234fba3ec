"""The PDF's document signature (PAdES): read back by pyHanko and poppler, and any byte changed."""

import asyncio
import dataclasses
import io
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import SignatureCoverageLevel, async_validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText

from tests.certificates.conftest import SAMPLE_DATA, needs_tools
from training.certificates import pades, signing
from training.certificates.pdf import render_certificate_pdf, verify_certificate_pdf

DATA = SAMPLE_DATA


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def pdf(key) -> bytes:
    """One signed certificate for the whole module: signing and validating take milliseconds,
    but forty copies of them would not."""
    return render_certificate_pdf(DATA, signing_key=key)


def embedded_signatures(pdf: bytes):
    return PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures


# --- the signature as readers see it -------------------------------------------------------


def test_the_whole_file_carries_one_intact_pades_signature_of_the_platform(pdf, key):
    (signature,) = embedded_signatures(pdf)
    assert signature.field_name == pades.FIELD_NAME
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    platform = signature.signer_cert
    assert platform.dump() == pades.signing_certificate(key, DATA.issuer).public_bytes(
        serialization.Encoding.DER
    )
    status = pades.run_coroutine(
        async_validate_pdf_signature(signature, ValidationContext(trust_roots=[platform]))
    )
    assert status.intact
    assert status.valid
    assert status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.signing_cert.subject.human_friendly.startswith("Common Name: Miprof — ENM")


def test_signing_and_checking_work_in_a_thread_that_runs_an_event_loop(key):
    """pyHanko's own synchronous calls fail there (an asynchronous server, a process that drives
    a browser): asyncio.run cannot nest."""

    async def sign_and_check() -> dict:
        signed = render_certificate_pdf(DATA, signing_key=key)
        return verify_certificate_pdf(signed, key.public_key())

    # In a thread of its own: this one may already run the browser tests' loop.
    with ThreadPoolExecutor(max_workers=1) as pool:
        statements = pool.submit(asyncio.run, sign_and_check()).result()

    assert statements["code"] == DATA.code


def test_the_statements_and_the_page_are_kept_under_the_signature(pdf, key):
    statements = verify_certificate_pdf(pdf, key.public_key())
    assert statements["code"] == DATA.code
    assert statements["course_title"] == DATA.course_title
    reader = PdfReader(io.BytesIO(pdf))
    assert set(reader.attachments) == {"certificate.json", "certificate.sig"}
    assert DATA.holder_name in reader.pages[0].extract_text()


def test_the_certificate_is_the_same_each_time_and_says_what_it_is_for(key):
    first = pades.signing_certificate(key, DATA.issuer)
    assert first == pades.signing_certificate(key, DATA.issuer)
    assert first.public_key() == key.public_key()
    assert first.subject == first.issuer  # self-signed
    assert first.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == (
        "Miprof — ENM"
    )
    usage = first.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.content_commitment
    assert not usage.key_cert_sign
    assert first.not_valid_after_utc.year == 9999
    assert pades.certificate_pem(key, DATA.issuer).startswith("-----BEGIN CERTIFICATE-----")


@needs_tools("pdfsig")
def test_poppler_lists_one_signature_over_the_whole_document(pdf, tmp_path):
    path = tmp_path / "attestation.pdf"
    path.write_bytes(pdf)
    output = subprocess.run(
        ["pdfsig", str(path)], capture_output=True, text=True, check=False
    ).stdout
    assert "Signature #1" in output
    assert "Signature #2" not in output
    assert f"Signature Field Name: {pades.FIELD_NAME}" in output
    assert "Signer Certificate Common Name: Miprof — ENM" in output
    assert "Total document signed" in output


# --- one byte changed ----------------------------------------------------------------------


def _start_of_stream(pdf: bytes, object_number: int) -> int:
    """The first byte of an object's stream data, found from the file's own structure."""
    header = re.search(rb"\n%d 0 obj\b" % object_number, pdf)
    return pdf.index(b"stream\n", header.end()) + len(b"stream\n")


def _page_content_object(pdf: bytes) -> int:
    return int(re.search(rb"/Contents (\d+) 0 R", pdf).group(1))


def _font_object(pdf: bytes) -> int:
    return int(re.search(rb"/FontFile2 (\d+) 0 R", pdf).group(1))


#: Where a byte is changed, each located from the file's structure rather than at random.
PLACES = {
    "the page's content stream (what is drawn)": lambda pdf: (
        _start_of_stream(pdf, _page_content_object(pdf)) + 40
    ),
    "the course title in the document's properties": lambda pdf: (
        pdf.index(b"/Title (") + len(b"/Title (Attestation de formation \\204 Rep")
    ),
    "the attached statement (a digit of the date)": lambda pdf: (
        pdf.index(b'"completed_on":"') + len(b'"completed_on":"202')
    ),
    "the embedded font program (the glyphs drawn)": lambda pdf: (
        _start_of_stream(pdf, _font_object(pdf)) + 1000
    ),
    "the signature value itself": lambda pdf: pdf.rindex(b"/Contents <") + 200,
    "the signature's certificate (its subject)": lambda pdf: (
        pdf.rindex(b"/Contents <") + len(b"/Contents <") + 2 * _der_offset(pdf, b"Miprof")
    ),
    "the zeros padding the signature value": lambda pdf: pdf.rindex(b"00000000>") + 3,
    "the signature's own dictionary (its signing time)": lambda pdf: (
        pdf.rindex(b"/M (D") + len(b"/M (D\\07220")
    ),
    "the cross-reference table near the end": lambda pdf: pdf.rindex(b"\nxref\n") + 20,
    "the last bytes (start of the last cross-reference)": lambda pdf: (
        pdf.rindex(b"startxref\n") + len(b"startxref\n") + 2
    ),
}


def _der_offset(pdf: bytes, needle: bytes) -> int:
    """Where bytes sit in the DER signature value that /Contents holds in hexadecimal."""
    return embedded_signatures(pdf)[0].pkcs7_content.index(needle)


def _changed(pdf: bytes, position: int) -> bytes:
    """One byte replaced by another of the same kind (digit, letter), so the file still parses
    as far as it can: the point is a forgery, not a broken file."""
    byte = pdf[position]
    if chr(byte).isdigit():
        new = ord("1") if byte == ord("0") else byte - 1
    elif chr(byte).isalpha():
        new = ord("a") if byte == ord("b") else ord("b")
    else:
        new = byte ^ 0x01
    return pdf[:position] + bytes([new]) + pdf[position + 1 :]


@pytest.mark.parametrize("place", PLACES)
def test_a_byte_changed_anywhere_is_refused(pdf, key, place):
    position = PLACES[place](pdf)
    forged = _changed(pdf, position)
    assert forged != pdf
    assert len(forged) == len(pdf)
    with pytest.raises(signing.SignatureError):
        verify_certificate_pdf(forged, key.public_key())
    # The document signature alone catches it, wherever the byte is.
    with pytest.raises(signing.SignatureError):
        pades.verify_document_signature(forged, key.public_key())


def _cms_part(pdf: bytes, part) -> int:
    """The hex digit in /Contents that encodes the last byte of a part of the CMS structure."""
    signature = embedded_signatures(pdf)[0]
    encoded = part(signature).dump()
    offset = signature.pkcs7_content.index(encoded) + len(encoded) - 1
    return pdf.rindex(b"/Contents <") + len(b"/Contents <") + 2 * offset + 1


#: Parts of the signature value that its own signature does not cover, and that a lenient
#: decoder reads the same once altered (each went unnoticed until checked explicitly).
UNSIGNED_CMS_PARTS = {
    "the outer length": lambda pdf: pdf.rindex(b"/Contents <") + len(b"/Contents <") + 7,
    "the list of digest algorithms": lambda pdf: _cms_part(
        pdf, lambda signature: signature.signed_data["digest_algorithms"]
    ),
    "the signer's version": lambda pdf: _cms_part(
        pdf, lambda signature: signature.signer_info["version"]
    ),
    "the digest algorithm's parameters": lambda pdf: _cms_part(
        pdf, lambda signature: signature.signer_info["digest_algorithm"]
    ),
}


@pytest.mark.parametrize("part", UNSIGNED_CMS_PARTS)
def test_a_byte_changed_in_the_unsigned_parts_of_the_signature_value_is_refused(pdf, key, part):
    forged = _changed(pdf, UNSIGNED_CMS_PARTS[part](pdf))
    assert forged != pdf
    with pytest.raises(signing.SignatureError):
        pades.verify_document_signature(forged, key.public_key())


def test_the_signature_value_written_in_lower_case_is_refused(pdf, key):
    """Same bytes for a PDF reader, yet a changed file: every byte counts."""
    start = pdf.rindex(b"/Contents <") + len(b"/Contents <")
    letter = start + re.search(rb"[A-F]", pdf[start:]).start()
    forged = pdf[:letter] + pdf[letter : letter + 1].lower() + pdf[letter + 1 :]
    assert forged != pdf
    with pytest.raises(signing.SignatureError, match="valeur de la signature"):
        verify_certificate_pdf(forged, key.public_key())


def test_a_changed_byte_is_reported_in_french(pdf, key):
    forged = _changed(pdf, PLACES["the page's content stream (what is drawn)"](pdf))
    with pytest.raises(signing.SignatureError, match="au moins un octet a été modifié"):
        pades.verify_document_signature(forged, key.public_key())


# --- additions and rewrites ----------------------------------------------------------------


def test_an_annotation_added_after_signing_is_refused(pdf, key):
    """An incremental update leaves the signed bytes intact, but no longer covers the file."""
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.add_annotation(
        0,
        FreeText(text="Formation : autre intitulé", rect=(72, 300, 500, 330)),
    )
    output = io.BytesIO()
    writer.write(output)
    updated = output.getvalue()
    assert updated.startswith(pdf)
    assert len(updated) > len(pdf)
    with pytest.raises(signing.SignatureError, match="après la signature du document"):
        verify_certificate_pdf(updated, key.public_key())


def test_a_file_saved_again_by_a_pdf_editor_is_refused(pdf, key):
    """A full rewrite, as most editors save: the statements and page survive, the signature not."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.add_metadata({"/Title": "Attestation de formation — autre formation"})
    output = io.BytesIO()
    writer.write(output)
    with pytest.raises(signing.SignatureError):
        verify_certificate_pdf(output.getvalue(), key.public_key())


def test_a_certificate_from_before_the_document_signature_is_refused_with_advice(pdf, key):
    # The file as it was before signing: the signature is an incremental update after it.
    unsigned = pdf[: pdf.index(b"%%EOF") + len(b"%%EOF\n")]
    assert embedded_signatures(unsigned) == []
    with pytest.raises(signing.SignatureError, match="téléchargez de nouveau"):
        verify_certificate_pdf(unsigned, key.public_key())


def test_a_document_signed_with_another_key_is_refused(key, monkeypatch):
    other = Ed25519PrivateKey.generate()
    data = dataclasses.replace(DATA, issuer="Miprof — ENM")
    pdf = render_certificate_pdf(data, signing_key=key)
    monkeypatch.setattr(pades, "FIELD_NAME", "Signature-ajoutee")
    resigned = pades.sign_document(pdf, other, data.issuer)
    with pytest.raises(signing.SignatureError, match="plusieurs signatures"):
        pades.verify_document_signature(resigned, key.public_key())
    only_other = pades.sign_document(pdf[: pdf.index(b"%%EOF") + 6], other, data.issuer)
    with pytest.raises(signing.SignatureError, match="pas été faite avec la clé"):
        pades.verify_document_signature(only_other, key.public_key())
