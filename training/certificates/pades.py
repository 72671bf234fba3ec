"""The PDF's own signature (PAdES): the platform's X.509 certificate, signing, and checking it.

The attached statements (signing.py) prove what the issuer vouches for; this signature covers
every byte of the finished file, page included, so that a PDF reader shows it in its signature
panel and any change anywhere in the file is detected.

The X.509 certificate is not stored: it is derived from the Ed25519 key and the issuer's name,
with fixed dates and a serial number taken from the key, and Ed25519 signatures are
deterministic, so the same key and name always give the same certificate, byte for byte. There
is no second file to create, back up or keep in step with the key, and nothing is written at
request time (the key's folder may be read-only). What binds a file to the platform on
verification is the key, as for the attached statements: the certificate is only its wrapping.
"""

import asyncio
import datetime
import functools
import hashlib
import io
import logging
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asn1crypto import keys as asn1_keys
from asn1crypto import parser as asn1_parser
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import (
    EmbeddedPdfSignature,
    SignatureCoverageLevel,
    async_validate_pdf_signature,
)
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from training.certificates.signing import SignatureError

T = TypeVar("T")

#: The PDF signature field's name, as readers list it.
FIELD_NAME = "Signature-plateforme"
#: Room kept in the file for the signature value: ample for any issuer's name.
SIGNATURE_BYTES_RESERVED = 4096
#: Fixed, so that the certificate is the same whenever it is derived. 9999-12-31 is RFC 5280's
#: « no well-defined expiration date »: the key, not a date, is what a verifier relies on.
NOT_BEFORE = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)
NOT_AFTER = datetime.datetime(9999, 12, 31, 23, 59, 59, tzinfo=datetime.UTC)

logger = logging.getLogger(__name__)


# --- the certificate ------------------------------------------------------------------------


def signing_certificate(private_key: Ed25519PrivateKey, issuer: str) -> x509.Certificate:
    """The self-signed certificate of the key, named after the issuer; the same on every call."""
    return x509.load_der_x509_certificate(_certificate_der(_private_der(private_key), issuer))


def certificate_pem(private_key: Ed25519PrivateKey, issuer: str) -> str:
    """The certificate as PEM, for a PDF reader's list of trusted certificates."""
    certificate = signing_certificate(private_key, issuer)
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")


def _private_der(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


@functools.lru_cache(maxsize=8)
def _certificate_der(private_der: bytes, issuer: str) -> bytes:
    private_key = serialization.load_der_private_key(private_der, password=None)
    assert isinstance(private_key, Ed25519PrivateKey)
    public_key = private_key.public_key()
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, issuer),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        # Positive and under 20 octets, as RFC 5280 requires; unique per key.
        .serial_number(int.from_bytes(hashlib.sha256(raw).digest()[:16], "big") >> 1)
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .sign(private_key, algorithm=None)
    )
    return certificate.public_bytes(serialization.Encoding.DER)


# --- signing --------------------------------------------------------------------------------


def sign_document(pdf: bytes, private_key: Ed25519PrivateKey, issuer: str) -> bytes:
    """The PDF with a PAdES baseline signature over the whole file, added as an incremental
    update (the bytes before it are unchanged, so the attachments read back the same)."""
    private_der = _private_der(private_key)
    certificate = asn1_x509.Certificate.load(_certificate_der(private_der, issuer))
    signer = signers.SimpleSigner(
        signing_cert=certificate,
        signing_key=asn1_keys.PrivateKeyInfo.load(private_der),
        # Empty: the signer's own certificate is embedded anyway, and only once.
        cert_registry=SimpleCertificateStore(),
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=SigSeedSubFilter.PADES,
        name=issuer,
        reason="Attestation de formation délivrée par l’émetteur",
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    # A fixed reservation spares pyHanko a trial signature to measure it (half the time).
    # The signature value is about 1 KiB, plus three times the issuer's name.
    return run_coroutine(
        signers.PdfSigner(metadata, signer=signer).async_sign_pdf(
            writer, bytes_reserved=SIGNATURE_BYTES_RESERVED
        )
    ).getvalue()


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run one of pyHanko's coroutines to its end and return its result.

    pyHanko's synchronous functions call asyncio.run, which cannot start in a thread that
    already runs an event loop (an asynchronous server, or a test process driving a browser):
    there, the coroutine runs in a thread of its own.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


# --- checking -------------------------------------------------------------------------------


def verify_document_signature(pdf: bytes, public_key: Ed25519PublicKey) -> None:
    """Return only if the file carries one PDF signature, made with this key, intact, and
    covering the whole file with nothing added after it; SignatureError (in French) otherwise.
    """
    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as error:  # noqa: BLE001 - any parser failure means the same to the person
        logger.info("Unreadable PDF signature structure: %r", error)
        raise SignatureError(
            "la structure du PDF est illisible : le fichier a été modifié ou abîmé."
        ) from None
    if not signatures:
        raise SignatureError(
            "ce PDF ne porte pas de signature de document. Les attestations téléchargées avant "
            "sa mise en place n’en ont pas : téléchargez de nouveau l’attestation sur la "
            "plateforme."
        )
    if len(signatures) > 1:
        raise SignatureError("ce PDF porte plusieurs signatures de document : il a été modifié.")
    signature = signatures[0]
    try:
        signer_certificate = signature.signer_cert
    except Exception as error:  # noqa: BLE001 - a malformed signature is a failed one
        logger.info("PDF signature without a readable signer: %r", error)
        raise SignatureError(
            "la signature du document est illisible : le fichier a été modifié."
        ) from None
    if signer_certificate is None or signer_certificate.public_key.dump() != _public_der(
        public_key
    ):
        raise SignatureError(
            "la signature du document n’a pas été faite avec la clé de l’émetteur."
        )
    # The signature value (/Contents) is the one part of the file the signed digest cannot
    # cover. Its certificate is checked against the key, as the trust anchor it is used as
    # below is not itself checked; and the zeros padding it out to its reserved size must
    # stay zeros, so that no byte there can change unnoticed either.
    embedded_certificates = signature.signed_data["certificates"]
    if (
        len(embedded_certificates) != 1
        or not _issued_by_itself_with(signer_certificate.dump(), public_key)
        or _signature_value_altered(pdf, signature)
    ):
        raise SignatureError(
            "la valeur de la signature du document a été modifiée : le fichier a été modifié."
        )
    try:
        status = run_coroutine(
            async_validate_pdf_signature(
                signature, ValidationContext(trust_roots=[signer_certificate])
            )
        )
    except Exception as error:  # noqa: BLE001 - a malformed signature is a failed one
        logger.info("PDF signature could not be validated: %r", error)
        raise SignatureError(
            "la signature du document est illisible : le fichier a été modifié."
        ) from None
    if not (status.intact and status.valid):
        raise SignatureError(
            "la signature du document ne correspond plus au fichier : "
            "au moins un octet a été modifié depuis la signature."
        )
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        raise SignatureError(
            "le fichier a été complété ou modifié après la signature du document "
            "(la signature ne couvre plus tout le fichier)."
        )


def _issued_by_itself_with(certificate_der: bytes, public_key: Ed25519PublicKey) -> bool:
    try:
        certificate = x509.load_der_x509_certificate(certificate_der)
        public_key.verify(certificate.signature, certificate.tbs_certificate_bytes)
    except (ValueError, InvalidSignature):
        return False
    return True


def _signature_value_altered(pdf: bytes, signature: EmbeddedPdfSignature) -> bool:
    """True unless the gap left by /ByteRange holds exactly what pyHanko writes: the DER
    signature in upper-case hexadecimal, then zeros. A PDF reader decodes « a » and « A », or a
    hex string with spaces in it, to the same bytes: those changes must be caught here."""
    _, gap_start, gap_end, _ = (int(value) for value in signature.byte_range)
    contents = signature.pkcs7_content
    _, _, _, header, body, _ = asn1_parser.parse(contents)
    padding = contents[len(header) + len(body) :]
    expected = b"<" + contents.hex().upper().encode("ascii") + b">"
    if pdf[gap_start:gap_end] != expected or padding.strip(b"\0") != b"":
        return True
    # Parts of the CMS structure that its signature does not cover, and that a lenient
    # decoder reads the same when altered: their encoding must be the canonical one (DER), and
    # their values those pyHanko writes. (Re-encoding the whole structure instead takes half a
    # second with asn1crypto; the certificate and the signed attributes are checked already,
    # by their own signatures.)
    try:
        return _outer_lengths_wrong(header, body) or _unsigned_parts_changed(signature)
    except ValueError:
        return True


def _outer_lengths_wrong(header: bytes, body: bytes) -> bool:
    """The ContentInfo must hold exactly its type and its content: a length stretched over
    the zeros that pad /Contents would otherwise go unnoticed."""
    type_length = asn1_parser.peek(body)
    wrapper = body[type_length:]
    if asn1_parser.peek(wrapper) != len(wrapper):
        return True
    _, _, _, _, signed_data, _ = asn1_parser.parse(wrapper)
    return asn1_parser.peek(signed_data) != len(signed_data)


def _unsigned_parts_changed(signature: EmbeddedPdfSignature) -> bool:
    signed_data = signature.signed_data
    signer_info = signature.signer_info
    unsigned_parts = [
        signed_data["version"],
        signed_data["digest_algorithms"],
        signed_data["encap_content_info"],
        signer_info["version"],
        signer_info["sid"],
        signer_info["digest_algorithm"],
        signer_info["signature_algorithm"],
        signer_info["signature"],
    ]
    if any(part.dump() != part.copy().dump(force=True) for part in unsigned_parts):
        return True
    return (
        signed_data["version"].native != "v1"
        or signer_info["version"].native != "v1"
        or [algorithm.native for algorithm in signed_data["digest_algorithms"]]
        != [signer_info["digest_algorithm"].native]
    )


def _public_der(public_key: Ed25519PublicKey) -> bytes:
    return asn1_keys.PublicKeyInfo.load(
        public_key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    ).dump()
