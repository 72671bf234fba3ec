"""The YAML front matter of a draft's Markdown file, read and written back around its text.

Reading mirrors content/files.py (a first line « --- », the keys, a closing « --- ») on a text
in memory; writing uses the safe dumper with the exporter's options, so that any value typed in
a form (quotes, colons, « # ») reads back as typed. Only the front matter is rewritten: the text
after the closing line is kept byte for byte (comments inside the front matter are not kept).
"""

from dataclasses import dataclass
from typing import Any

import yaml


class FrontMatterError(ValueError):
    """The text has no readable front matter; the message, in French, says why."""


@dataclass(frozen=True)
class FrontMatter:
    fields: dict[str, Any]
    #: Line of the file on which each key is written (1-based, as the checker counts).
    key_lines: dict[str, int]
    #: Number of lines of the front matter, both « --- » lines included.
    line_count: int
    #: Everything after the closing « --- » line, exactly as it was.
    rest: str


def read_front_matter(text: str) -> FrontMatter:
    """The front matter of `text`; FrontMatterError if there is none or it is not plain YAML."""
    lines = text.removeprefix("\ufeff").split("\n")
    if lines[0].strip() != "---":
        raise FrontMatterError("en-tête manquant : le fichier ne commence pas par « --- »")
    end = next((index for index in range(1, len(lines)) if lines[index].strip() == "---"), None)
    if end is None:
        raise FrontMatterError("en-tête non fermé : il manque la ligne « --- » qui le termine")
    loader = yaml.SafeLoader("\n".join(lines[1:end]))
    try:
        node = loader.get_single_node()
        fields = loader.construct_document(node) if node is not None else {}
    except (yaml.YAMLError, RecursionError):
        raise FrontMatterError("en-tête YAML illisible") from None
    finally:
        loader.dispose()
    if not isinstance(fields, dict):
        raise FrontMatterError("en-tête invalide : une liste de lignes « clé: valeur » attendue")
    key_lines = {}
    for key_node, _value in node.value if node is not None else []:
        key_lines[key_node.value] = 2 + key_node.start_mark.line
    return FrontMatter(fields, key_lines, end + 1, "\n".join(lines[end + 1 :]))


def front_matter_text(fields: dict[str, Any]) -> str:
    """`fields` as a front matter, between its two « --- » lines (a final newline included)."""
    dumped = yaml.safe_dump(
        fields, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000
    )
    return f"---\n{dumped}---\n"


def with_fields(text: str, changes: dict[str, Any], order: tuple[str, ...] = ()) -> str:
    """`text` with the front-matter keys of `changes` set (None: the key is removed), the other
    keys and the text after the front matter untouched.

    A key added is placed after the key that precedes it in `order` (the order of the format's
    table), so that files written by the editor read like the examples. Raises FrontMatterError.
    """
    document = read_front_matter(text)
    fields = dict(document.fields)
    for key, value in changes.items():
        if value is None:
            fields.pop(key, None)
        elif key in fields:
            fields[key] = value
        else:
            fields = _inserted(fields, key, value, order)
    return front_matter_text(fields) + document.rest


def _inserted(fields: dict[str, Any], key: str, value: Any, order: tuple[str, ...]) -> dict:
    if key not in order:
        return {**fields, key: value}
    anchor = next((name for name in reversed(order[: order.index(key)]) if name in fields), None)
    if anchor is None:
        return {key: value, **fields}
    result = {}
    for name, existing in fields.items():
        result[name] = existing
        if name == anchor:
            result[key] = value
    return result
