"""Join codes: short, random, unambiguous when read off a slide, forgiving when typed back."""

import secrets

from training.sessions.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH


class InvalidJoinCodeError(ValueError):
    """The text typed cannot be a join code; the message says why, in French."""


def generate_join_code() -> str:
    """A new random code (about 40 bits); uniqueness is the database's job (unique index)."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(text: str) -> str:
    """The stored form of a code as typed: case, spaces and dashes do not matter."""
    compact = "".join(character for character in text.upper() if character.isalnum())
    if len(compact) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in compact):
        raise InvalidJoinCodeError(
            "Un code de session compte 8 caractères (lettres et chiffres), "
            "par exemple ABCD-EFGH : vérifiez-le auprès de la personne qui anime la session."
        )
    return compact
