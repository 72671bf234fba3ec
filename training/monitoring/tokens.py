"""Personal API tokens of monitors: created, listed, revoked, and recognised on each API call.

A token is shown once, when it is created; only its SHA-256 is kept. Functions flush but never
commit, and write an audit event with each creation and revocation.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from training.accounts.models import Role, User
from training.audit.services import record_event
from training.extensions import db
from training.monitoring.models import ApiToken
from training.timeutils import as_aware, utcnow

#: Who may hold a token and call the API: the roles that see the dashboard.
API_ROLES = (Role.MONITOR, Role.ADMIN)
#: Marks our tokens, so that a secret scanner (or a person) recognises one pasted by mistake.
TOKEN_PREFIX = "teh_"  # noqa: S105 (a marker, not a secret)
#: Characters kept to tell tokens apart in the list: the marker and 6 random characters.
DISPLAY_PREFIX_LENGTH = len(TOKEN_PREFIX) + 6
NAME_MAX_LENGTH = 100
MAX_ACTIVE_TOKENS = 10
#: `last_used_at` is written at most this often, so that a busy client does not write on
#: every request.
LAST_USED_PRECISION = timedelta(minutes=1)


class TokenError(ValueError):
    """A token cannot be created or revoked; the message is French."""


class TokenNotFoundError(TokenError):
    """No such token among the user's: missing and someone else's look the same (404)."""


def hash_token(plaintext: str) -> str:
    """SHA-256 of the token, hex.

    A fast hash is right here, unlike for passwords: a token is 256 bits from `secrets`, so
    there is nothing to guess from a stolen hash by trying candidates, however fast the hash.
    Slow hashes (scrypt, bcrypt) protect low-entropy secrets chosen by people; they would
    only cost time on every API call. A deterministic hash also lets us find the token by an
    indexed equality lookup, so no comparison of secrets happens in Python.
    """
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise TokenError("Donnez un nom au jeton, par exemple le nom de l'outil qui l'utilisera.")
    if len(name) > NAME_MAX_LENGTH:
        raise TokenError(f"Le nom ne peut pas dépasser {NAME_MAX_LENGTH} caractères.")
    return name


def tokens_of(user: User) -> list[ApiToken]:
    """The user's active tokens, newest first (revoked ones are in the audit log)."""
    return list(
        db.session.scalars(
            sa.select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(user: User, name: str | None) -> tuple[ApiToken, str]:
    """Create a token for a monitor or an admin; returns it and its plaintext, which is
    stored nowhere and cannot be shown again.

    Guarantees: a name of 1 to 100 characters, unique (ignoring case) among the user's active
    tokens; at most MAX_ACTIVE_TOKENS active tokens per user. The user's row is locked first,
    so that two simultaneous creations cannot both pass these checks (PostgreSQL).
    """
    if not user.has_role(*API_ROLES):
        raise TokenError(
            "Seuls les observateurs et les administrateurs peuvent créer un jeton d'accès à l'API."
        )
    name = _clean_name(name)
    db.session.execute(sa.select(User.id).where(User.id == user.id).with_for_update())
    active = tokens_of(user)
    if any(token.name.casefold() == name.casefold() for token in active):
        raise TokenError(
            f"Vous avez déjà un jeton actif nommé « {name} » : choisissez un autre nom."
        )
    if len(active) >= MAX_ACTIVE_TOKENS:
        raise TokenError(
            f"Vous avez déjà {MAX_ACTIVE_TOKENS} jetons actifs : révoquez-en un avant d'en "
            "créer un autre."
        )
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        token_hash=hash_token(plaintext),
        prefix=plaintext[:DISPLAY_PREFIX_LENGTH],
    )
    db.session.add(token)
    db.session.flush()
    record_event(user, "api_token.created", "api_token", token.id, name=name)
    return token, plaintext


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of the user's tokens; it stops working at once. Revoking a revoked token
    changes nothing. TokenNotFoundError if it is not the user's."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise TokenNotFoundError("Ce jeton n'existe pas.")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
        record_event(user, "api_token.revoked", "api_token", token.id, name=token.name)
    return token


def is_active_token(plaintext: str) -> bool:
    """Whether this token exists and is not revoked (one indexed look-up)."""
    if not plaintext.startswith(TOKEN_PREFIX):
        return False
    return (
        db.session.scalar(
            sa.select(ApiToken.id).where(
                ApiToken.token_hash == hash_token(plaintext), ApiToken.revoked_at.is_(None)
            )
        )
        is not None
    )


def user_for_token(plaintext: str, now: datetime | None = None) -> User | None:
    """The owner of an active token, or None for an unknown or revoked one.

    Whether the owner may still call the API (monitor or admin) is checked by the view's
    access rule (`token_required(user_for_token, *API_ROLES)`), which answers 403 rather
    than 401: the token is fine, the role is gone. `last_used_at` is only written for an
    owner who may, and at most once every LAST_USED_PRECISION; the caller commits.
    """
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = db.session.scalar(
        sa.select(ApiToken).where(
            ApiToken.token_hash == hash_token(plaintext), ApiToken.revoked_at.is_(None)
        )
    )
    if token is None:
        return None
    now = now or utcnow()
    if token.user.has_role(*API_ROLES) and (
        token.last_used_at is None or now - as_aware(token.last_used_at) >= LAST_USED_PRECISION
    ):
        token.last_used_at = now
        db.session.flush()
    return token.user
