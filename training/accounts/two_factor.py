"""The second factor of a log-in: a time-based code (TOTP, RFC 6238) from an authenticator
application, or one of ten single-use recovery codes (ASVS 4.0.3 V2.7, V2.8).

Mandatory for the roles that see other people's data or change what learners are taught
(STAFF_ROLES: they enrol at their next log-in, see session_views.require_second_factor),
optional for learners. A code is accepted once only: the time step of the last code accepted
is kept, and a code of that step or an earlier one is refused (V2.8.4), with a conditional
UPDATE so that two requests racing with the same code cannot both succeed. Recovery codes are
kept as SHA-256 digests (they carry about 50 random bits: a slow hash adds nothing) and spent
with the same kind of conditional UPDATE.

The TOTP secret is stored encrypted with a key derived from SECRET_KEY (Fernet): a copy of the
database alone gives neither the passwords nor the second factor. Changing SECRET_KEY makes
the stored secrets unreadable: everyone enrols again at the next log-in (docs/deploiement.md).

Functions flush but never commit.
"""

import base64
import hashlib
import hmac
import io
import secrets
import time

import pyotp
import segno
import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

from training.accounts.login_sessions import STAFF_ROLES
from training.accounts.models import RecoveryCode, User
from training.audit.services import record_event
from training.extensions import db
from training.timeutils import utcnow

#: Codes of the previous and of the next 30-second step are accepted too, for clocks a little
#: off (RFC 6238 § 5.2 recommends at most one step each way).
VALID_WINDOW = 1
RECOVERY_CODE_COUNT = 10
#: Capitals and digits without the look-alikes (0/O, 1/I/L), read off paper and typed back.
RECOVERY_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECOVERY_CODE_LENGTH = 10


class TwoFactorError(Exception):
    """The second factor cannot be changed as asked; the message, in French, says why."""


def is_required(user: User) -> bool:
    return user.has_role(*STAFF_ROLES)


def is_enabled(user: User) -> bool:
    return user.two_factor_enabled_at is not None


def asks_code(user: User) -> bool:
    """Whether the log-in of `user` needs the second step. A second factor whose secret can
    no longer be read (SECRET_KEY changed) is forgotten, with a warning in the log: the person
    enrols again after the password, as a new member of staff does."""
    if not is_enabled(user):
        return False
    if secret_of(user) is None:
        current_app.logger.warning(
            "Double authentification du compte %s illisible (SECRET_KEY changée ?) : "
            "nouvelle activation demandée.",
            user.id,
        )
        turn_off(user, None)
        return False
    return True


def _fernet() -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"two-factor-secret").derive(
        current_app.config["SECRET_KEY"].encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def secret_of(user: User) -> str | None:
    """The user's TOTP secret in clear, or None (none set, or SECRET_KEY changed since)."""
    if not user.totp_secret:
        return None
    try:
        return _fernet().decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        return None


def start_enrolment(user: User) -> str:
    """The secret to show while enrolling: a new one, or the one shown before, until confirmed."""
    if is_enabled(user):
        raise TwoFactorError("La double authentification est déjà activée sur ce compte.")
    secret = secret_of(user)
    if secret is None:
        secret = pyotp.random_base32()
        user.totp_secret = _fernet().encrypt(secret.encode()).decode()
        db.session.flush()
    return secret


def enable_with_secret(user: User, secret: str) -> None:
    """Turn the second factor on with a secret known in advance, without recovery codes: for
    the demo accounts (whose secret is published, in development only) and tests."""
    user.totp_secret = _fernet().encrypt(secret.encode()).decode()
    user.two_factor_enabled_at = utcnow()
    db.session.flush()


def current_code(secret: str, now: float | None = None) -> str:
    return pyotp.TOTP(secret).at(time.time() if now is None else now)


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator application reads from the QR code."""
    issuer = current_app.config["SERVICE_NAME"]
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The enrolment QR code, as inline SVG with a title for screen readers; sized by the
    page's CSS (a viewBox, no width), so that it fits a 320 px screen."""
    buffer = io.BytesIO()
    segno.make(uri, error="m", micro=False).save(
        buffer, kind="svg", xmldecl=False, svgns=False, omitsize=True, title="QR code à scanner"
    )
    return buffer.getvalue().decode()


def display_secret(secret: str) -> str:
    """The secret in groups of four, for typing it into an application by hand."""
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


def _matching_step(secret: str, code: str, now: float) -> int | None:
    totp = pyotp.TOTP(secret)
    current = int(now) // totp.interval
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _spend_step(user: User, step: int) -> bool:
    """Record `step` as the last one used, unless it (or a later one) was used already."""
    result = db.session.execute(
        sa.update(User)
        .where(
            User.id == user.id,
            sa.or_(User.totp_last_counter.is_(None), User.totp_last_counter < step),
        )
        .values(totp_last_counter=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    db.session.refresh(user, ["totp_last_counter"])
    return True


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise_recovery_code(text: str) -> str | None:
    compact = "".join(character for character in text.upper() if character.isalnum())
    if len(compact) != RECOVERY_CODE_LENGTH or any(c not in RECOVERY_ALPHABET for c in compact):
        return None
    return compact


def _spend_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _is_totp_code(text: str) -> bool:
    return len(text) == 6 and text.isascii() and text.isdigit()


def check_code(user: User, text: str, now: float | None = None) -> bool:
    """Whether `text` is a valid second factor for `user`, spent if so: a six-digit code of
    the application, or one of the recovery codes. Recorded in the audit log either way."""
    text = "".join(text.split())
    secret = secret_of(user)
    method = None
    if secret is not None and is_enabled(user):
        if _is_totp_code(text):
            step = _matching_step(secret, text, time.time() if now is None else now)
            if step is not None and _spend_step(user, step):
                method = "application"
        elif (code := _normalise_recovery_code(text)) and _spend_recovery_code(user, code):
            method = "code de secours"
    if method is None:
        record_event(None, "user.two_factor_failed", "user", user.id)
        return False
    if method == "code de secours":
        record_event(
            None, "user.recovery_code_used", "user", user.id, remaining=recovery_codes_left(user)
        )
    return True


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_digest(code)) for code in codes)
    db.session.flush()
    half = RECOVERY_CODE_LENGTH // 2
    return [f"{code[:half]}-{code[half:]}" for code in codes]


def confirm_enrolment(user: User, text: str, now: float | None = None) -> list[str] | None:
    """Turn the second factor on if `text` is the application's current code for the secret
    shown; returns the recovery codes to show, once, or None for a wrong code."""
    secret = secret_of(user)
    if is_enabled(user) or secret is None:
        raise TwoFactorError("Recommencez l'activation : la clé affichée n'est plus valable.")
    text = "".join(text.split())
    step = _matching_step(secret, text, time.time() if now is None else now)
    if not _is_totp_code(text) or step is None or not _spend_step(user, step):
        return None
    user.two_factor_enabled_at = utcnow()
    codes = _new_recovery_codes(user)
    record_event(user, "user.two_factor_enabled", "user", user.id)
    return codes


def replace_recovery_codes(user: User) -> list[str]:
    """Ten new recovery codes; the previous ones no longer work."""
    if not is_enabled(user):
        raise TwoFactorError("Activez d'abord la double authentification.")
    codes = _new_recovery_codes(user)
    record_event(user, "user.recovery_codes_replaced", "user", user.id)
    return codes


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def recovery_codes_running_low(user: User) -> int | None:
    """How many recovery codes are left, when three or fewer of those made are (None when
    none were ever made, as for the demo accounts)."""
    used, left = db.session.execute(
        sa.select(
            sa.func.count(RecoveryCode.used_at),
            sa.func.count() - sa.func.count(RecoveryCode.used_at),
        ).where(RecoveryCode.user_id == user.id)
    ).one()
    return left if used + left and left <= 3 else None


def turn_off(user: User, actor: User | None) -> None:
    """Forget the secret and the recovery codes: by the user (a learner: staff cannot go
    without), or by an admin for someone who lost both phone and codes (they enrol again at
    their next log-in), or by the erasure of the account (`actor` None)."""
    if actor is not None and actor.id == user.id and is_required(user):
        raise TwoFactorError(
            "La double authentification est obligatoire pour votre rôle : "
            "vous ne pouvez pas la désactiver."
        )
    had_it = is_enabled(user) or user.totp_secret is not None
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_counter = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.flush()
    if had_it and actor is not None:
        record_event(actor, "user.two_factor_disabled", "user", user.id)
