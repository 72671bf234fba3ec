"""Open Badges 3.0: the credential's structure, its VC-JWT signature, and what breaks it."""

import json
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from joserfc import jwt
from joserfc.jwk import OKPKey

from training.certificates import open_badges, signing
from training.certificates.open_badges import (
    CredentialExpiredError,
    InvalidCredentialError,
    build_credential,
    issue_credential_jwt,
    missing_required_fields,
    verify_credential,
)

from .conftest import SITE

DURING_VALIDITY = datetime(2027, 6, 1, tzinfo=UTC)


def segments(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    return (
        json.loads(signing.b64url_decode(header)),
        json.loads(signing.b64url_decode(payload)),
    )


def reencode(value: dict) -> str:
    return signing.b64url_encode(json.dumps(value, ensure_ascii=False).encode())


# --- structure ----------------------------------------------------------------------------


def test_the_credential_has_every_field_the_specification_requires(make_data):
    credential = build_credential(make_data())
    assert missing_required_fields(credential) == []
    assert credential["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["id"] == f"{SITE}/verifier/TEH-7K3M-9QX2-P4AT"
    assert credential["name"]


def test_the_issuer_is_a_profile_of_the_platform(make_data):
    issuer = build_credential(make_data())["issuer"]
    assert issuer == {"id": SITE, "type": ["Profile"], "name": "Miprof — ENM", "url": SITE}


def test_the_achievement_is_the_course_version(make_data):
    subject = build_credential(make_data())["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    achievement = subject["achievement"]
    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == make_data().course_title
    assert achievement["version"] == "2"
    assert achievement["description"]
    assert achievement["criteria"]["narrative"]
    assert achievement["id"].startswith("urn:uuid:")


def test_holders_of_a_course_version_share_its_achievement_and_nothing_else(make_data):
    first = build_credential(make_data())["credentialSubject"]
    other_holder = build_credential(
        make_data(code="TEH-0000-0000-0000", holder_name="Louise Michel")
    )["credentialSubject"]
    next_version = build_credential(make_data(course_version=3))["credentialSubject"]
    assert first["achievement"]["id"] == other_holder["achievement"]["id"]
    assert first["achievement"]["id"] != next_version["achievement"]["id"]
    assert first["id"] != other_holder["id"]


def test_the_subject_carries_the_holders_name(make_data):
    (identity,) = build_credential(make_data())["credentialSubject"]["identifier"]
    assert identity == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Nguyễn Thị Ánh",
    }


def test_validity_runs_from_completion_to_the_end_of_the_expiry_day_in_paris(make_data):
    credential = build_credential(make_data())
    assert credential["validFrom"] == "2026-11-28T00:00:00+01:00"
    assert credential["validUntil"] == "2028-11-28T23:59:59+01:00"


def test_a_certificate_without_expiry_has_no_valid_until(make_data):
    assert "validUntil" not in build_credential(make_data(expires_on=None))


@pytest.mark.parametrize(
    "path",
    [
        "@context",
        "id",
        "type",
        "name",
        "issuer",
        "validFrom",
        "credentialSubject",
        "credentialSubject.achievement",
        "credentialSubject.achievement.criteria",
        "credentialSubject.achievement.name",
    ],
)
def test_a_missing_required_field_is_reported(make_data, path):
    credential = build_credential(make_data())
    *parents, last = path.split(".")
    holder = credential
    for key in parents:
        holder = holder[key]
    del holder[last]
    assert missing_required_fields(credential)


# --- the VC-JWT ---------------------------------------------------------------------------


def test_the_jwt_header_names_the_algorithm_and_the_published_key(make_data, signing_key):
    header, _ = segments(issue_credential_jwt(make_data(), signing_key))
    assert header == {
        "alg": "EdDSA",
        "kid": signing.key_id(signing_key.public_key(), SITE),
        "typ": "JWT",
    }
    assert header["kid"] == signing.public_jwk(signing_key.public_key(), SITE)["kid"]


def test_the_jwt_payload_is_the_credential_with_its_registered_claims(make_data, signing_key):
    data = make_data()
    _, payload = segments(issue_credential_jwt(data, signing_key))
    credential = build_credential(data)
    claims = {name: payload.pop(name) for name in ("iss", "jti", "nbf", "sub", "exp")}
    assert payload == credential
    assert claims == {
        "iss": SITE,
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat("2026-11-28T00:00:00+01:00").timestamp()),
        "sub": credential["credentialSubject"]["id"],
        "exp": int(datetime.fromisoformat("2028-11-28T23:59:59+01:00").timestamp()),
    }


def test_the_credential_verifies_with_the_public_key(make_data, signing_key):
    data = make_data()
    token = issue_credential_jwt(data, signing_key)
    credential = verify_credential(token, signing_key.public_key(), now=DURING_VALIDITY)
    assert credential == build_credential(data)


def test_a_credential_without_expiry_verifies_long_after(make_data, signing_key):
    token = issue_credential_jwt(make_data(expires_on=None), signing_key)
    assert "exp" not in segments(token)[1]
    verify_credential(token, signing_key.public_key(), now=datetime(2090, 1, 1, tzinfo=UTC))


def test_another_key_does_not_verify(make_data, signing_key):
    token = issue_credential_jwt(make_data(), signing_key)
    with pytest.raises(InvalidCredentialError, match="signature ne correspond pas"):
        verify_credential(token, Ed25519PrivateKey.generate().public_key(), now=DURING_VALIDITY)


def test_a_modified_payload_does_not_verify(make_data, signing_key):
    header, payload, signature = issue_credential_jwt(make_data(), signing_key).split(".")
    claims = json.loads(signing.b64url_decode(payload))
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Jean Usurpateur"
    forged = f"{header}.{reencode(claims)}.{signature}"
    with pytest.raises(InvalidCredentialError, match="signature ne correspond pas"):
        verify_credential(forged, signing_key.public_key(), now=DURING_VALIDITY)


def test_any_altered_character_of_the_token_is_caught(make_data, signing_key):
    token = issue_credential_jwt(make_data(), signing_key)
    public_key = signing_key.public_key()
    for position in range(0, len(token), 7):
        if token[position] == ".":
            continue
        replacement = "A" if token[position] != "A" else "B"
        altered = token[:position] + replacement + token[position + 1 :]
        with pytest.raises(InvalidCredentialError):
            verify_credential(altered, public_key, now=DURING_VALIDITY)


@pytest.mark.parametrize("algorithm", ["none", "HS256", "RS256"])
def test_a_token_announcing_another_algorithm_is_refused(make_data, signing_key, algorithm):
    header, payload, signature = issue_credential_jwt(make_data(), signing_key).split(".")
    forged_header = reencode({"alg": algorithm, "typ": "JWT"})
    with pytest.raises(InvalidCredentialError, match="EdDSA"):
        verify_credential(
            f"{forged_header}.{payload}.{signature}", signing_key.public_key(), now=DURING_VALIDITY
        )


def test_claims_that_contradict_the_credential_are_refused(make_data, signing_key):
    """Signed by us, but iss no longer matches issuer.id: the specification says invalid."""
    credential = build_credential(make_data())
    token = open_badges.sign_credential(credential, signing_key, key_id="kid")
    header, payload, _ = token.split(".")
    claims = json.loads(signing.b64url_decode(payload))
    claims["iss"] = "https://ailleurs.example"
    body = f"{header}.{reencode(claims)}"
    resigned = f"{body}.{signing.b64url_encode(signing_key.sign(body.encode()))}"
    with pytest.raises(InvalidCredentialError, match="iss"):
        verify_credential(resigned, signing_key.public_key(), now=DURING_VALIDITY)


def test_an_expired_credential_is_reported_as_such(make_data, signing_key):
    token = issue_credential_jwt(make_data(), signing_key)
    with pytest.raises(CredentialExpiredError, match="expiré"):
        verify_credential(token, signing_key.public_key(), now=datetime(2028, 11, 29, tzinfo=UTC))
    with pytest.raises(CredentialExpiredError, match="pas encore valide"):
        verify_credential(token, signing_key.public_key(), now=datetime(2026, 11, 1, tzinfo=UTC))


@pytest.mark.parametrize("token", ["", "abc", "a.b", "a.b.c.d", "!!!.???.***"])
def test_text_that_is_no_jwt_is_refused(signing_key, token):
    with pytest.raises(InvalidCredentialError):
        verify_credential(token, signing_key.public_key())


# RFC 9864 deprecates "EdDSA" in favour of "Ed25519"; joserfc warns about it. The badge keeps
# "EdDSA" because that is what Open Badges verifiers understand today.
@pytest.mark.filterwarnings("ignore:EdDSA is deprecated via RFC 9864")
def test_an_independent_jose_library_verifies_the_badge(make_data, signing_key):
    data = make_data()
    token = issue_credential_jwt(data, signing_key)
    public_key = OKPKey.import_key(signing.public_jwk(signing_key.public_key(), SITE))
    decoded = jwt.decode(token, public_key, algorithms=["EdDSA"])
    assert decoded.header["kid"] == signing.key_id(signing_key.public_key(), SITE)
    registry = jwt.JWTClaimsRegistry(now=int(DURING_VALIDITY.timestamp()))
    registry.validate(decoded.claims)
    assert decoded.claims["credentialSubject"] == build_credential(data)["credentialSubject"]
