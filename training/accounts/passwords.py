"""Password policy: long enough and not common; no composition rules (NIST SP 800-63B)."""

from functools import cache
from importlib.resources import files

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

MIN_LENGTH = 12
MAX_LENGTH = 200

#: A hash of a random password, checked when the e-mail is unknown so both paths cost the same.
_DUMMY_HASH = generate_password_hash("an unknown account costs as much as a known one")


@cache
def common_passwords() -> frozenset[str]:
    text = files(__package__).joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problem(password: str) -> str | None:
    """The French reason why this password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Le mot de passe doit contenir au moins {MIN_LENGTH} caractères."
    if len(password) > MAX_LENGTH:
        return f"Le mot de passe doit contenir au plus {MAX_LENGTH} caractères."
    if len(set(password)) < 4 or password.lower() in common_passwords():
        return "Ce mot de passe est trop courant : choisissez-en un autre, par exemple une phrase."
    return None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str | None, password: str) -> bool:
    return check_password_hash(password_hash or _DUMMY_HASH, password) and password_hash is not None
