"""The Ed25519 key that signs certificates: its file, the signed payload, and the published key.

What is signed is a small canonical JSON document (sorted keys, no spaces, UTF-8) stating the
certificate; its detached 64-byte signature travels with it. Both are embedded in the PDF as
the attachments `certificate.json` and `certificate.sig`, so that anyone holding the published
public key can check a certificate offline, with standard tools (docs/verifier-une-attestation.md).
"""

import base64
import binascii
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from training.certificates.data import CertificateData

#: Where the integration serves the public key (PEM) and the key set (JWK), under the site root.
PUBLIC_KEY_PEM_PATH = "/.well-known/certificate-signing-key.pem"
JWKS_PATH = "/.well-known/jwks.json"
#: And the key's self-signed X.509 certificate (PEM), for PDF readers to trust (pades.py).
CERTIFICATE_PEM_PATH = "/.well-known/certificate-signing-cert.pem"
#: Bump when the payload's fields change, so verifiers know which reading applies.
PAYLOAD_FORMAT = 1


class SignatureError(Exception):
    """The signature does not hold, or cannot be checked; the message says why, in French."""


class KeyFileError(Exception):
    """The key file is missing, unreadable, not an Ed25519 key, or would be overwritten."""


# --- keys ---------------------------------------------------------------------------------


def write_new_private_key(path: Path) -> Ed25519PrivateKey:
    """Generate a key and write it as unencrypted PKCS#8 PEM, readable by its owner only.

    Never overwrites: an existing file is the key that signed the certificates already issued.
    """
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: the check and the creation are one step, so no race can overwrite a key.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeyFileError(
            f"{path} existe déjà : une clé existante n'est jamais écrasée "
            "(elle a signé les attestations déjà délivrées)."
        ) from None
    with os.fdopen(descriptor, "wb") as key_file:
        key_file.write(pem)
    return key


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise KeyFileError(
            f"Clé de signature introuvable : {path}. Créez-la avec « flask certificates keygen »."
        ) from None
    except (ValueError, TypeError) as error:
        raise KeyFileError(f"{path} n'est pas une clé privée PEM lisible : {error}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} n'est pas une clé Ed25519.")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A public key from a PEM file; a private key file is accepted too (its public half)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"Clé publique introuvable : {path}.") from None
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as error:
        raise KeyFileError(f"{path} n'est pas une clé publique PEM lisible : {error}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{path} n'est pas une clé publique Ed25519.")
    return key


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    """The SubjectPublicKeyInfo PEM that OpenSSL reads (`openssl pkeyutl -pubin -inkey`)."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def key_thumbprint(public_key: Ed25519PublicKey) -> str:
    """The RFC 7638 JWK thumbprint: a stable, public name for the key."""
    members = {"crv": "Ed25519", "kty": "OKP", "x": b64url_encode(_raw_public_bytes(public_key))}
    digest = hashlib.sha256(canonical_json(members)).digest()
    return b64url_encode(digest)


def key_id(public_key: Ed25519PublicKey, site_url: str) -> str:
    """The key's URI: the key set's URL with the thumbprint as fragment (JOSE `kid`)."""
    return f"{site_url.rstrip('/')}{JWKS_PATH}#{key_thumbprint(public_key)}"


def public_jwk(public_key: Ed25519PublicKey, site_url: str) -> dict[str, str]:
    """The public key as a JWK (RFC 8037), never carrying the private part `d`."""
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": b64url_encode(_raw_public_bytes(public_key)),
        "kid": key_id(public_key, site_url),
        "alg": "EdDSA",
        "use": "sig",
    }


def public_jwks(public_key: Ed25519PublicKey, site_url: str) -> dict[str, list[dict[str, str]]]:
    """The JWK Set served at JWKS_PATH. A list, so a retired key can stay published."""
    return {"keys": [public_jwk(public_key, site_url)]}


# --- the signed payload -------------------------------------------------------------------


def certificate_payload(data: CertificateData) -> dict[str, Any]:
    """What the signature covers: the certificate's statements, nothing about its display."""
    return {
        "format": PAYLOAD_FORMAT,
        "code": data.code,
        "holder": data.holder_name,
        "course_slug": data.course_slug,
        "course_title": data.course_title,
        "course_version": data.course_version,
        "completed_on": data.completed_on.isoformat(),
        "expires_on": data.expires_on.isoformat() if data.expires_on else None,
        "issuer": data.issuer,
    }


def canonical_payload(data: CertificateData) -> bytes:
    """The exact bytes that are signed: JSON, keys sorted, no spaces, UTF-8, no escapes."""
    return canonical_json(certificate_payload(data))


def sign(payload: bytes, private_key: Ed25519PrivateKey) -> bytes:
    """The detached Ed25519 signature (64 bytes) of the payload bytes."""
    return private_key.sign(payload)


def verify_signed_payload(
    payload: bytes, signature: bytes, public_key: Ed25519PublicKey
) -> dict[str, Any]:
    """The statements, once the signature is proved to cover these exact bytes."""
    try:
        public_key.verify(signature, payload)
    except InvalidSignature:
        raise SignatureError(
            "la signature ne correspond pas au contenu : le fichier a été modifié, "
            "ou il n'a pas été signé avec cette clé."
        ) from None
    try:
        statements = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SignatureError("le contenu signé n'est pas un document JSON lisible.") from None
    if not isinstance(statements, dict) or statements.get("format") != PAYLOAD_FORMAT:
        raise SignatureError("le contenu signé n'est pas dans un format d'attestation connu.")
    return statements


# --- encodings ----------------------------------------------------------------------------


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 7515 § 2)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """The inverse of b64url_encode; ValueError on any character outside the alphabet."""
    standard = text.translate(str.maketrans("-_", "+/"))
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except binascii.Error as error:
        raise ValueError(str(error)) from None
