"""The certificate as an Open Badges 3.0 OpenBadgeCredential, signed as a VC-JWT with EdDSA.

The credential follows the W3C Verifiable Credentials data model 2.0 and the 1EdTech Open
Badges 3.0 specification (§ 8.2, JSON Web Token proof format): the JWT payload is the
credential itself plus the registered claims iss, jti, nbf, sub and exp mirroring its
issuer, id, validFrom, credentialSubject.id and validUntil; the JOSE header holds only alg,
kid and typ. The signature uses the same Ed25519 key as the PDF, named in `kid` by a URI
under the site's published key set.

JWS is written with `cryptography` directly: for one fixed algorithm it is a few lines, and
verification refuses anything but EdDSA, so no algorithm confusion is possible. The tests
check the tokens against joserfc, an independent JOSE implementation.
"""

import json
import uuid
from datetime import UTC, date, datetime, time
from typing import Any
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from training.certificates import signing
from training.certificates.data import CertificateData, french_duration
from training.timeutils import PARIS

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPES = ("VerifiableCredential", "OpenBadgeCredential")
#: Media type of the signed credential, for the download (VC-JOSE-COSE).
JWT_MEDIA_TYPE = "application/vc+jwt"
#: Namespace of the name-based UUIDs that identify achievements and subjects.
_NAMESPACE = uuid.UUID("5b6f3f0e-8f43-4a53-9a0e-2f0d7d2b6c41")
_ALLOWED_HEADERS = {"alg", "kid", "jwk", "typ"}
#: Tokens are signed "EdDSA", the name verifiers know today; RFC 9864 (2025) deprecates it for
#: the fully specified "Ed25519", accepted too so that a later switch breaks no verification.
_ACCEPTED_ALGORITHMS = {"EdDSA", "Ed25519"}

#: Fields the specification requires, as paths into the credential (OB 3.0, § B.1).
REQUIRED_FIELDS = (
    "@context",
    "id",
    "type",
    "name",
    "issuer",
    "issuer.id",
    "issuer.type",
    "validFrom",
    "credentialSubject",
    "credentialSubject.type",
    "credentialSubject.achievement",
    "credentialSubject.achievement.id",
    "credentialSubject.achievement.type",
    "credentialSubject.achievement.name",
    "credentialSubject.achievement.description",
    "credentialSubject.achievement.criteria",
)


class InvalidCredentialError(Exception):
    """The credential cannot be trusted; the message says why, in French."""


class CredentialExpiredError(InvalidCredentialError):
    """Authentic, but past its validUntil (or before its validFrom)."""


def build_credential(data: CertificateData, *, site_url: str | None = None) -> dict[str, Any]:
    """The OpenBadgeCredential stating the certificate, unsigned.

    Its id is the certificate's verification URL; the issuer's id is the site's root URL
    (taken from that URL unless given). The achievement is the course version, identified
    by a name-based UUID of its slug and number so that every holder of the same version
    holds the same achievement. The subject carries the holder's name as an unhashed
    IdentityObject, and an id that is a UUID of the certificate code: it names the holder
    of this certificate without linking their other certificates together.
    """
    site = (site_url or _origin(data.verification_url)).rstrip("/")
    valid_from = datetime.combine(data.completed_on, time.min, tzinfo=PARIS)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": data.verification_url,
        "type": list(CREDENTIAL_TYPES),
        "issuer": {"id": site, "type": ["Profile"], "name": data.issuer, "url": site},
        "validFrom": valid_from.isoformat(),
        "name": f"Attestation de formation — {data.course_title}",
        "description": (
            f"Attestation n° {data.code} délivrée par {data.issuer} à {data.holder_name}."
        ),
        "credentialSubject": {
            "id": _urn("holder", data.code),
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": data.holder_name,
                }
            ],
            "achievement": {
                "id": _urn("achievement", data.course_slug, str(data.course_version)),
                "type": ["Achievement"],
                "achievementType": "CertificateOfCompletion",
                "name": data.course_title,
                "description": (
                    f"Formation « {data.course_title} » (version {data.course_version}, "
                    f"durée estimée : {french_duration(data.course_minutes)}), "
                    f"proposée par {data.issuer}."
                ),
                "criteria": {
                    "narrative": (
                        "Avoir suivi l’ensemble des modules de la formation et réussi "
                        "les évaluations qu’elle comporte."
                    )
                },
                "version": str(data.course_version),
                "inLanguage": "fr",
            },
        },
    }
    if data.expires_on is not None:
        credential["validUntil"] = _end_of_day(data.expires_on).isoformat()
    return credential


def sign_credential(
    credential: dict[str, Any], private_key: Ed25519PrivateKey, *, key_id: str
) -> str:
    """The credential as a compact JWS (VC-JWT) with the registered claims it requires."""
    header = {"alg": "EdDSA", "kid": key_id, "typ": "JWT"}
    claims = {
        "iss": _issuer_id(credential),
        "jti": credential["id"],
        "nbf": _numeric_date(credential["validFrom"]),
        "sub": credential["credentialSubject"]["id"],
    }
    if "validUntil" in credential:
        claims["exp"] = _numeric_date(credential["validUntil"])
    signing_input = f"{_encode_json(header)}.{_encode_json({**credential, **claims})}"
    signature = private_key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{signing.b64url_encode(signature)}"


def issue_credential_jwt(
    data: CertificateData, private_key: Ed25519PrivateKey, *, site_url: str | None = None
) -> str:
    """Build and sign in one step: what the download of an Open Badge serves."""
    site = (site_url or _origin(data.verification_url)).rstrip("/")
    credential = build_credential(data, site_url=site)
    return sign_credential(
        credential, private_key, key_id=signing.key_id(private_key.public_key(), site)
    )


def verify_credential(
    token: str, public_key: Ed25519PublicKey, *, now: datetime | None = None
) -> dict[str, Any]:
    """The credential inside a VC-JWT, once proved signed by this key, coherent and in force.

    Follows OB 3.0 § 8.2.4: EdDSA signature over the exact received segments, then iss, jti,
    sub, nbf and exp matching the credential's issuer.id, id, credentialSubject.id,
    validFrom and validUntil. Raises CredentialExpiredError outside the validity period.
    """
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise InvalidCredentialError("ce n’est pas un jeton JWT compact (trois parties).")
    header = _decode_json(parts[0], "l’en-tête")
    if header.get("alg") not in _ACCEPTED_ALGORITHMS or not set(header) <= _ALLOWED_HEADERS:
        raise InvalidCredentialError("l’en-tête n’annonce pas une signature EdDSA conforme.")
    if header.get("typ", "JWT") != "JWT":
        raise InvalidCredentialError("l’en-tête annonce un type de jeton inattendu.")
    try:
        signature = signing.b64url_decode(parts[2])
        public_key.verify(signature, f"{parts[0]}.{parts[1]}".encode("ascii"))
    except (ValueError, InvalidSignature):
        raise InvalidCredentialError(
            "la signature ne correspond pas : le badge a été modifié, "
            "ou il n’a pas été signé avec cette clé."
        ) from None
    payload = _decode_json(parts[1], "le contenu")
    claims = {name: payload.pop(name, None) for name in ("iss", "jti", "nbf", "sub", "exp")}
    credential = payload
    missing = missing_required_fields(credential)
    if missing:
        raise InvalidCredentialError(f"champs obligatoires absents : {', '.join(missing)}.")
    try:
        expected = {
            "iss": _issuer_id(credential),
            "jti": credential["id"],
            "nbf": _numeric_date(credential["validFrom"]),
            "sub": credential["credentialSubject"].get("id"),
            "exp": (
                _numeric_date(credential["validUntil"]) if "validUntil" in credential else None
            ),
        }
    except (TypeError, ValueError):
        raise InvalidCredentialError("les dates de validité du badge sont illisibles.") from None
    mismatched = [name for name in expected if claims[name] != expected[name]]
    if mismatched:
        raise InvalidCredentialError(
            f"les déclarations JWT ne correspondent pas au badge : {', '.join(mismatched)}."
        )
    moment = (now or datetime.now(UTC)).timestamp()
    if moment < expected["nbf"]:
        raise CredentialExpiredError("ce badge n’est pas encore valide.")
    if expected["exp"] is not None and moment >= expected["exp"]:
        raise CredentialExpiredError("ce badge a expiré.")
    return credential


def missing_required_fields(credential: dict[str, Any]) -> list[str]:
    """The required fields absent from a credential, plus type and context errors."""
    missing = [path for path in REQUIRED_FIELDS if _lookup(credential, path) in (None, "", [])]
    if not set(CREDENTIAL_TYPES) <= set(_as_list(credential.get("type"))):
        missing.append("type (VerifiableCredential, OpenBadgeCredential)")
    if _as_list(credential.get("@context"))[:1] != [VC_CONTEXT]:
        missing.append(f"@context ({VC_CONTEXT} en premier)")
    if OB_CONTEXT not in _as_list(credential.get("@context")):
        missing.append(f"@context ({OB_CONTEXT})")
    subject = _as_object(credential.get("credentialSubject"))
    if "AchievementSubject" not in _as_list(subject.get("type")):
        missing.append("credentialSubject.type (AchievementSubject)")
    if not subject.get("id") and not subject.get("identifier"):
        missing.append("credentialSubject.id ou credentialSubject.identifier")
    achievement = _as_object(subject.get("achievement"))
    if "Achievement" not in _as_list(achievement.get("type")):
        missing.append("credentialSubject.achievement.type (Achievement)")
    criteria = _as_object(achievement.get("criteria"))
    if not criteria.get("id") and not criteria.get("narrative"):
        missing.append("credentialSubject.achievement.criteria (id ou narrative)")
    return missing


def _lookup(value: Any, path: str) -> Any:
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _as_object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _issuer_id(credential: dict[str, Any]) -> Any:
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, dict) else issuer


def _numeric_date(moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp())


def _end_of_day(day: date) -> datetime:
    """The last second of the day in Paris: a certificate is valid through its expiry date."""
    return datetime.combine(day, time(23, 59, 59), tzinfo=PARIS)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _urn(*names: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, ':'.join(names))}"


def _encode_json(value: dict[str, Any]) -> str:
    return signing.b64url_encode(
        json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()
    )


def _decode_json(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(signing.b64url_decode(segment).decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise InvalidCredentialError(f"{what} du jeton n’est pas du JSON lisible.") from None
    if not isinstance(value, dict):
        raise InvalidCredentialError(f"{what} du jeton n’est pas un objet JSON.")
    return value
