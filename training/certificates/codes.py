"""Public certificate codes: random, easy to read aloud and to type back, with a check character.

A code reads « TEH-7K3M-9QX2-P4AT »: the prefix TEH (traite des êtres humains), then twelve
characters of Crockford's base 32 (digits and capital letters without I, L, O and U, so no
two characters look alike). Eleven are random, 55 bits drawn from `secrets`; the twelfth is a
Luhn mod 32 check character, so a typing mistake on one character (and most swaps of two
neighbours) is caught before any lookup, and the person is told to check their typing rather
than that the certificate does not exist.
"""

import secrets

PREFIX = "TEH"
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_CHARACTERS = 11
BODY_LENGTH = RANDOM_CHARACTERS + 1
GROUP_SIZE = 4
#: Random bits in a code: 5 per random character.
RANDOM_BITS = 5 * RANDOM_CHARACTERS

_VALUES = {character: value for value, character in enumerate(ALPHABET)}
#: Letters people type for the digits they look like (Crockford's decoding rules).
_CONFUSABLES = str.maketrans({"O": "0", "I": "1", "L": "1"})


class InvalidCodeError(ValueError):
    """The text typed cannot be a certificate code; the message says why, in French."""


def generate_code() -> str:
    """A new random code in canonical form. Uniqueness is the database's job (unique index)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_CHARACTERS))
    return _format(body + _check_character(body))


def normalise_code(text: str) -> str:
    """The canonical form of a code as a person typed it, or InvalidCodeError.

    Accepts lower case, spaces, missing or extra dashes, a missing « TEH » prefix and the
    letters O, I and L typed for the digits 0, 1 and 1.
    """
    compact = "".join(character for character in text.upper() if character.isalnum())
    if len(compact) == len(PREFIX) + BODY_LENGTH and compact.startswith(PREFIX):
        compact = compact[len(PREFIX) :]
    body = compact.translate(_CONFUSABLES)
    if len(body) != BODY_LENGTH or any(character not in _VALUES for character in body):
        raise InvalidCodeError(
            "Un code d'attestation compte 12 caractères (chiffres et lettres) après « TEH », "
            "par exemple TEH-7K3M-9QX2-P4AT."
        )
    if _check_character(body[:-1]) != body[-1]:
        raise InvalidCodeError(
            "Ce code contient une faute de frappe : vérifiez-le caractère par caractère."
        )
    return _format(body)


def _format(body: str) -> str:
    groups = [body[start : start + GROUP_SIZE] for start in range(0, len(body), GROUP_SIZE)]
    return "-".join([PREFIX, *groups])


def _check_character(characters: str) -> str:
    """Luhn mod N over the alphabet: detects every single substitution."""
    base = len(ALPHABET)
    total = 0
    for position, character in enumerate(reversed(characters)):
        addend = _VALUES[character] * (2 if position % 2 == 0 else 1)
        total += addend // base + addend % base
    return ALPHABET[-total % base]
