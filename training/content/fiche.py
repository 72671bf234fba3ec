"""The « fiche réflexe » of a course: a one-page sheet, its file format, checks and plain text.

An optional `fiche-reflexe.md` beside course.md: front matter `kind: fiche-reflexe` and a title,
then exactly four `##` sections in a fixed order (what to look for, what to do now, whom to
call, what to write down), made of lists and short paragraphs. Its size is capped so that the
printed page and the PDF (catalog/fiche_pdf.py) always hold on one A4 page. Review notes
(`::: a-valider`) are allowed, as in a lesson: learners never see them, and they count neither
in the size nor in the page.
"""

import re
from dataclasses import dataclass, field
from html import escape, unescape
from pathlib import Path

from markdown_it.token import Token

from training.content.files import Document
from training.content.problems import Problem
from training.content.renderer import CourseRenderer, Source, tokenize, without_review_notes
from training.content.review import ReviewNote, find_review_notes

#: The file name, at the root of the course folder.
FICHE_FILE = "fiche-reflexe.md"
FICHE_KIND = "fiche-reflexe"
#: The four section headings, in their order.
FICHE_SECTIONS = (
    "Ce qu'il faut repérer",
    "Ce qu'il faut faire tout de suite",
    "Qui appeler",
    "Ce qu'il faut noter",
)
#: At most this many characters (« signes », spaces included) of text under the headings, and
#: at most this many list items and paragraphs (each starts a new line). Measured: whatever the
#: lengths of its items, a sheet at both limits holds on one A4 page of the PDF at 8.5 points or
#: more (the PDF goes down to 8); tests/catalog/test_fiche_reflexe.py checks a sheet at the limits.
MAX_CHARACTERS = 2400
MAX_BLOCKS = 28
#: At most this many characters in the title (two lines of the PDF).
MAX_TITLE_CHARACTERS = 120
FICHE_KEYS = ("kind", "title")
_APOSTROPHES = re.compile("[\u2019\u02bc]")


@dataclass
class ParsedFiche:
    title: str
    #: The Markdown after the front matter, as the trainer wrote it.
    body: str
    body_html: str = ""
    review_notes: list[ReviewNote] = field(default_factory=list)


@dataclass(frozen=True)
class FicheBlock:
    """One line of the sheet: a list item (depth 1, 2…) or a paragraph (depth 0), as minimal
    markup (<b>, <i> and escaped text), for the PDF."""

    markup: str
    depth: int


@dataclass(frozen=True)
class FicheSection:
    heading: str
    blocks: list[FicheBlock]
    #: 0-based line of the heading in the body.
    line: int


def _heading_key(text: str) -> str:
    return " ".join(_APOSTROPHES.sub("'", text).split()).casefold()


def _inline_markup(token: Token) -> str:
    parts = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(escape(child.content, quote=False))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type in ("strong_open", "strong_close"):
            parts.append("<b>" if child.nesting == 1 else "</b>")
        elif child.type in ("em_open", "em_close"):
            parts.append("<i>" if child.nesting == 1 else "</i>")
    return " ".join("".join(parts).split())


def fiche_sections(body: str) -> tuple[list[FicheSection], list[FicheBlock]]:
    """The `##` sections of a sheet's body, review notes left out, and the blocks that come
    before the first section (which the format does not allow)."""
    sections: list[FicheSection] = []
    before: list[FicheBlock] = []
    tokens = without_review_notes(tokenize(body))
    depth = 0
    heading: Token | None = None
    for index, token in enumerate(tokens):
        if token.type == "heading_open" and token.tag == "h2":
            heading = token
            continue
        if token.type == "inline" and heading is not None:
            line = heading.map[0] if heading.map else 0
            sections.append(FicheSection(" ".join(token.content.split()), [], line))
            heading = None
            continue
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
        elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
            block = FicheBlock(_inline_markup(token), depth)
            (sections[-1].blocks if sections else before).append(block)
        elif token.type == "inline":  # another heading level, a table cell…
            (sections[-1].blocks if sections else before).append(
                FicheBlock(_inline_markup(token), depth)
            )
    return sections, before


def plain_text(markup: str) -> str:
    """The text of a block's markup, as a reader sees it."""
    return unescape(re.sub(r"<[^>]+>", "", markup))


def count_characters(sections: list[FicheSection]) -> int:
    return sum(len(plain_text(block.markup)) for section in sections for block in section.blocks)


def check_fiche(body: str, body_line: int, path: Path) -> list[Problem]:
    """The problems of a sheet's body (sections, order, emptiness, size); `body_line` is the
    line of the file on which the body starts."""
    problems: list[Problem] = []
    where = path

    def problem(offset: int, message: str) -> None:
        problems.append(Problem(where, body_line + offset, message))

    sections, before = fiche_sections(body)
    expected = ", ".join(f"« {name} »" for name in FICHE_SECTIONS)
    if before:
        problem(
            0, f"texte avant la première section : la fiche commence par « ## {FICHE_SECTIONS[0]} »"
        )
    keys = [_heading_key(name) for name in FICHE_SECTIONS]
    found = [_heading_key(section.heading) for section in sections]
    for section, key in zip(sections, found, strict=True):
        if key not in keys:
            problem(
                section.line,
                f"section inconnue « {section.heading} » : une fiche réflexe a exactement ces"
                f" quatre sections, dans cet ordre : {expected}",
            )
        elif found.count(key) > 1 and found.index(key) != sections.index(section):
            problem(section.line, f"section en double « {section.heading} »")
    for name, key in zip(FICHE_SECTIONS, keys, strict=True):
        if key not in found:
            problem(
                0,
                f"section manquante « ## {name} » (sections attendues, dans cet ordre :"
                f" {expected})",
            )
    highest = -1
    for section, key in zip(sections, found, strict=True):
        if key not in keys:
            continue
        if keys.index(key) < highest:
            problem(section.line, f"sections dans le désordre : l'ordre attendu est {expected}")
            break
        highest = keys.index(key)
    for section, key in zip(sections, found, strict=True):
        if key in keys and not section.blocks:
            problem(section.line, f"section vide « {section.heading} » : ajoutez une liste « - … »")
    characters = count_characters(sections)
    if characters > MAX_CHARACTERS:
        problem(
            0,
            f"fiche trop longue : {characters} signes pour {MAX_CHARACTERS} au plus, espaces"
            " compris (elle doit tenir sur une page A4) : raccourcissez-la",
        )
    blocks = sum(len(section.blocks) for section in sections) + len(before)
    if blocks > MAX_BLOCKS:
        problem(
            0,
            f"fiche trop longue : {blocks} lignes de liste ou paragraphes pour {MAX_BLOCKS} au plus"
            " (elle doit tenir sur une page A4) : regroupez des points",
        )
    return problems


def build_fiche(
    document: Document, renderer: CourseRenderer, problems: list[Problem]
) -> ParsedFiche | None:
    """The sheet read from its file, after reporting its problems into `problems` (front matter,
    sections, size) and `renderer.problems` (links, images, callouts); None if unusable."""
    path = document.path
    allowed = ", ".join(FICHE_KEYS)
    for key in document.fields:
        if key not in FICHE_KEYS:
            problems.append(
                Problem(
                    path,
                    document.line_of(key),
                    f"clé inconnue « {key} » (clés permises : {allowed})",
                )
            )
    kind = document.fields.get("kind")
    if kind is None:
        problems.append(
            Problem(path, 1, f"clé obligatoire manquante dans l'en-tête : kind ({FICHE_KIND})")
        )
    elif kind != FICHE_KIND:
        problems.append(
            Problem(
                path, document.line_of("kind"), f"kind : « {FICHE_KIND} » attendu pour {FICHE_FILE}"
            )
        )
    title = document.fields.get("title")
    if title is None:
        problems.append(Problem(path, 1, "clé obligatoire manquante dans l'en-tête : title"))
    elif isinstance(title, str) and len(title.strip()) > MAX_TITLE_CHARACTERS:
        problems.append(
            Problem(
                path,
                document.line_of("title"),
                f"title : {len(title.strip())} signes pour {MAX_TITLE_CHARACTERS} au plus",
            )
        )
    elif not isinstance(title, str) or not title.strip():
        problems.append(
            Problem(
                path,
                document.line_of("title"),
                "title : texte attendu (entre guillemets s'il contient « : »)",
            )
        )
    problems.extend(check_fiche(document.body, document.body_line, path))
    html = renderer.render(document.body, Source(path, "", document.body_line))
    if not isinstance(title, str) or not title.strip():
        return None
    return ParsedFiche(
        title=title.strip(),
        body=document.body,
        body_html=html,
        review_notes=find_review_notes(document.body, document.body_line),
    )
