"""Public certificate codes: random enough, readable, and forgiving to type back."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training.certificates.codes import (
    ALPHABET,
    RANDOM_BITS,
    InvalidCodeError,
    generate_code,
    normalise_code,
)

CANONICAL = re.compile(r"^TEH-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
codes = st.builds(lambda _: generate_code(), st.integers())


def test_codes_carry_at_least_fifty_random_bits():
    assert RANDOM_BITS >= 50


def test_the_alphabet_is_crockford_base32_without_ambiguous_letters():
    assert len(ALPHABET) == 32
    assert not set("ILOU") & set(ALPHABET)


def test_a_code_is_grouped_for_reading():
    code = generate_code()
    assert CANONICAL.match(code), code


def test_codes_do_not_repeat():
    generated = {generate_code() for _ in range(20_000)}
    assert len(generated) == 20_000


def test_every_character_of_the_alphabet_appears_in_every_position():
    """A sanity check on randomness: no position is stuck or limited to part of the alphabet."""
    bodies = [generate_code().replace("-", "")[3:] for _ in range(3_000)]
    for position in range(11):
        assert {body[position] for body in bodies} == set(ALPHABET)


@given(codes)
def test_a_canonical_code_normalises_to_itself(code):
    assert normalise_code(code) == code


@given(codes)
def test_a_code_typed_carelessly_is_understood(code):
    careless = code.lower().replace("-", " ").replace("0", "o").replace("1", "l")
    assert normalise_code(f"  {careless} ") == code


@pytest.mark.parametrize(
    "typed",
    [
        "teh-7k3m-9qx2-p4at",
        "TEH7K3M9QX2P4AT",
        "teh 7k3m 9qx2 p4at",
        "7K3M-9QX2-P4AT",
        "TEH–7K3M–9QX2–P4AT",
        "TEH.7K3M.9QX2.P4AT",
    ],
)
def test_usual_ways_of_typing_a_code(typed):
    assert normalise_code(typed) == "TEH-7K3M-9QX2-P4AT"


def test_confusable_letters_are_read_as_the_digits_they_look_like():
    canonical = next(
        code for last in ALPHABET if (code := _valid(f"TEH-0101-1010-010{last}")) is not None
    )
    typed = canonical.lower().replace("0", "o").replace("1", "i", 3).replace("1", "l")
    assert normalise_code(typed) == canonical


def _valid(text: str) -> str | None:
    try:
        return normalise_code(text)
    except InvalidCodeError:
        return None


@given(codes, st.integers(min_value=0, max_value=11), st.sampled_from(ALPHABET))
def test_any_single_wrong_character_is_caught(code, position, replacement):
    body = code.replace("-", "")[3:]
    if body[position] == replacement:
        return
    mistyped = body[:position] + replacement + body[position + 1 :]
    with pytest.raises(InvalidCodeError, match="faute de frappe"):
        normalise_code(mistyped)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "TEH",
        "TEH-7K3M-9QX2",
        "TEH-7K3M-9QX2-P4AT-0",
        "TEH-7K3M-9QX2-P4A!",
        "TEH-7K3M-9QX2-P4AU",
    ],
)
def test_text_that_cannot_be_a_code_is_refused_in_french(typed):
    with pytest.raises(InvalidCodeError, match="12 caractères"):
        normalise_code(typed)


def test_a_code_typed_without_its_prefix_is_read_even_when_it_starts_like_the_prefix():
    """Only a 15-character text loses a leading TEH: a code whose own characters begin with TEH,
    typed without the prefix, keeps them."""
    canonical = next(
        code for last in ALPHABET if (code := _valid(f"TEH-TEH7-K3M9-QX2{last}")) is not None
    )
    assert normalise_code(canonical) == canonical
    assert normalise_code(canonical.removeprefix("TEH-")) == canonical
    assert normalise_code(canonical.removeprefix("TEH-").replace("-", "").lower()) == canonical
