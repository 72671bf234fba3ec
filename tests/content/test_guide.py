"""The trainers' guide shows the example course exactly as it is shipped."""

import re

from .conftest import EXAMPLE, ROOT

GUIDE = ROOT / "docs" / "format-des-cours.md"
FILE_BLOCK = re.compile(
    r"\*\*Fichier `exemple-cours/(?P<name>[^`]+)`\*\*\n\n````markdown\n(?P<text>.*?)````", re.S
)


def test_the_guide_quotes_every_file_of_the_example_course_verbatim():
    quoted = {match["name"]: match["text"] for match in FILE_BLOCK.finditer(GUIDE.read_text())}

    shipped = {str(path.relative_to(EXAMPLE)) for path in EXAMPLE.rglob("*.md")}
    assert set(quoted) == shipped
    for name, text in quoted.items():
        assert text == (EXAMPLE / name).read_text(encoding="utf-8"), name
