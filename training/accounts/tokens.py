"""Signed, expiring links sent by e-mail (confirmation, password reset)."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from training.accounts.models import User

CONFIRM_EMAIL = "confirm-email"
RESET_PASSWORD = "reset-password"  # noqa: S105


class InvalidTokenError(Exception):
    """The link is forged, expired, already used or meant for something else."""

    def __init__(self, expired: bool = False) -> None:
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    payload: dict[str, object] = {"user": user.id, "email": user.email}
    if purpose == RESET_PASSWORD:
        payload["pw"] = _password_fingerprint(user)
    return _serializer(purpose).dumps(payload)


def read_token(token: str, purpose: str, max_age: int) -> dict:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        raise InvalidTokenError(expired=True) from None
    except BadSignature:
        raise InvalidTokenError() from None


def token_matches_user(payload: dict, user: User | None, purpose: str) -> bool:
    if user is None or payload.get("email") != user.email:
        return False
    return purpose != RESET_PASSWORD or payload.get("pw") == _password_fingerprint(user)


#: Sign-up links mailed by another feature (a session invitation): prefilled fields and where
#: to go once the account exists.
SIGNUP_INVITATION = "signup-invitation"
SIGNUP_INVITATION_MAX_AGE = 60 * 60 * 24 * 30


def make_signup_invitation(
    *,
    email: str,
    full_name: str,
    profession_id: int | None,
    territory_id: int | None,
    next_url: str,
) -> str:
    """A signed link parameter prefilling the sign-up form for `email`. Following it proves
    the person reads that mailbox, so an account created with that address is confirmed."""
    payload = {
        "email": email,
        "full_name": full_name,
        "profession_id": profession_id,
        "territory_id": territory_id,
        "next": next_url,
    }
    return _serializer(SIGNUP_INVITATION).dumps(payload)


def read_signup_invitation(token: str | None) -> dict | None:
    """The invitation's fields, or None for no, a forged or an expired token."""
    if not token:
        return None
    try:
        return read_token(token, SIGNUP_INVITATION, SIGNUP_INVITATION_MAX_AGE)
    except InvalidTokenError:
        return None
