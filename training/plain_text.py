"""The characters kept from text people send: every form field and uploaded cell is cleaned here.

Control characters have no place in a name, a code or a search: NUL makes PostgreSQL refuse the
statement, a line break in a name reaches the body of an e-mail, others are invisible.
Bidirectional overrides, isolates and marks (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F,
U+061C) make a name display reversed on a page or a certificate. Nobody can see these characters
to remove them, so they are removed rather than refused: a name that held nothing else is then
empty, and refused as such. Text is also put in NFC, so that « é » typed two ways is one name.
"""

import re
import unicodedata

_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f]")
#: Line and tab breaks of a one-line value become a space, so that words stay apart.
_BREAKS = re.compile("\r\n|[\t\n\r\x0b\x0c\x85\u2028\u2029]")
_NEWLINES = re.compile("\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_CONTROLS_BUT_TAB_AND_NEWLINE = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def has_control_characters(text: str) -> bool:
    return _CONTROLS.search(text) is not None


def clean_line(text: str) -> str:
    """One line: NFC, no control or bidirectional character, no surrounding whitespace."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    return _CONTROLS.sub("", _BREAKS.sub(" ", text)).strip()


def clean_text(text: str) -> str:
    """Several lines: as clean_line, but tabs and line breaks (as `\\n`) are kept."""
    text = _BIDI_CONTROLS.sub("", unicodedata.normalize("NFC", text))
    return _CONTROLS_BUT_TAB_AND_NEWLINE.sub("", _NEWLINES.sub("\n", text)).strip()
