"""Markdown to safe DSFR HTML, with the checks on links and images that need the parse tree.

Review notes (`::: a-valider`) are exchanges between trainers and reviewers, not content: the
HTML for learners leaves them out entirely (not hidden by CSS: absent), and only the trainers'
preview renders them, as a DSFR alert. See content/review.py for their extraction.

markdown-it-py renders with the CommonMark preset plus tables and strikethrough; raw HTML is
disabled (shown as text), headings get `id` anchors, callouts (`::: a-retenir` …) become DSFR
components, and the result is sanitised again with nh3, allowing only what this module emits.

URLs in the rendered HTML
-------------------------
Relative links keep the shape of the course folder with `.md` removed, so the stored HTML works
unchanged when the pages that show a version mirror the folder under a root URL of their choice:

    <root>/                      course presentation (course.md)
    <root>/<module-key>/         module introduction (module.md) — note the trailing slash
    <root>/<module-key>/<name>   a step, whose key is "<module-key>/<name>"
    <root>/images/<file>         an image, served from get_asset(version_id, "images/<file>")

So a link from a step to another step is rendered `href="../02-agir/01-signaler"` with
`data-step-key="02-agir/01-signaler"` (from course.md: `href="02-agir/01-signaler"`), and an image
`src="../images/schema.png"` (from course.md: `src="images/schema.png"`). A page whose URLs do not
follow this layout rewrites step links from `data-step-key` and image sources from their path.
"""

import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin

from training.content.problems import Problem

#: markdown-it stops nesting blocks (lists, quotes) at this depth and drops what lies deeper.
MAX_NESTING = 20
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

#: The callout holding a review note, left out of the HTML learners see.
REVIEW_NOTE = "a-valider"
_NOTE_OPEN = f"container_{REVIEW_NOTE}_open"
_NOTE_CLOSE = f"container_{REVIEW_NOTE}_close"

CALLOUT_LABELS = {
    "a-retenir": "À retenir",
    "attention": "Attention",
    "cas-pratique": "Cas pratique",
    "a-valider": "À valider",
}
_CALLOUT_MARKUP = {
    "a-retenir": (
        '<div class="fr-callout fr-icon-lightbulb-line">\n'
        '<p class="fr-callout__title">{title}</p>\n<div class="fr-callout__text">\n',
        "</div>\n</div>\n",
    ),
    "cas-pratique": (
        '<div class="fr-callout fr-callout--blue-ecume fr-icon-team-line">\n'
        '<p class="fr-callout__title">{title}</p>\n<div class="fr-callout__text">\n',
        "</div>\n</div>\n",
    ),
    "attention": (
        '<div class="fr-highlight fr-highlight--orange-terre-battue">\n'
        '<p class="fr-text--bold">{title}</p>\n',
        "</div>\n",
    ),
    "a-valider": (
        '<div class="fr-alert fr-alert--warning">\n<p class="fr-alert__title">{title}</p>\n',
        "</div>\n",
    ),
}
_TABLE_OPEN = (
    '<div class="fr-table"><div class="fr-table__wrapper"><div class="fr-table__container">'
    '<div class="fr-table__content">\n<table tabindex="0">\n'
)
_TABLE_CLOSE = "</table>\n</div></div></div></div>\n"

_SANITIZER = nh3.Cleaner(
    tags={
        "a",
        "blockquote",
        "br",
        "code",
        "div",
        "em",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "img",
        "li",
        "ol",
        "p",
        "pre",
        "s",
        "strong",
        "table",
        "tbody",
        "td",
        "th",
        "thead",
        "tr",
        "ul",
    },  # fmt: skip
    attributes={
        "a": {"href", "title", "data-step-key"},
        "img": {"src", "alt", "title"},
        "ol": {"start"},
        #: A wide table scrolls in its frame: focusable, so that the keyboard can scroll it.
        "table": {"tabindex"},
        "th": {"style"},
        "td": {"style"},
        **{f"h{level}": {"id"} for level in range(1, 7)},
    },
    allowed_classes={
        "div": {
            "fr-callout",
            "fr-icon-lightbulb-line",
            "fr-callout--blue-ecume",
            "fr-icon-team-line",
            "fr-callout__text",
            "fr-highlight",
            "fr-highlight--orange-terre-battue",
            "fr-alert",
            "fr-alert--warning",
            "fr-table",
            "fr-table__wrapper",
            "fr-table__container",
            "fr-table__content",
        },  # fmt: skip
        "p": {"fr-callout__title", "fr-text--bold", "fr-alert__title"},
        "img": {"fr-responsive-img"},
    },
    url_schemes=set(LINK_SCHEMES),
    filter_style_properties={"text-align"},
)

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_FENCE_LINE = re.compile(r"^\s*:{3,}\s*$")
_CALLOUT_LINE = re.compile(r"^\s*:{3,}\s*(\S*)")


def _callout_renderer(name: str):
    opening, closing = _CALLOUT_MARKUP[name]

    def render(self, tokens: Sequence[Token], idx: int, _options, _env) -> str:
        token = tokens[idx]
        if token.nesting != 1:
            return closing
        title = token.info.strip()[len(name) :].strip()
        label = CALLOUT_LABELS[name]
        return opening.format(title=escape(f"{label} : {title}" if title else label))

    return render


def _build_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(anchors_plugin, min_level=2, max_level=3)
    for name in CALLOUT_LABELS:
        md.use(container_plugin, name, render=_callout_renderer(name))
    md.add_render_rule("table_open", lambda *_args: _TABLE_OPEN)
    md.add_render_rule("table_close", lambda *_args: _TABLE_CLOSE)
    # Every link reaches the token stream, where _LinkChecker refuses bad ones with a message
    # (markdown-it's own check would silently turn them into text).
    md.validateLink = lambda _url: True
    return md


MARKDOWN = _build_markdown()


def tokenize(text: str) -> list[Token]:
    """Block tokens of `text`, for the quiz parser (which splits a quiz into questions)."""
    return MARKDOWN.parse(text, {})


def sanitize(html: str) -> str:
    return _SANITIZER.clean(html)


def without_review_notes(tokens: list[Token]) -> list[Token]:
    """The block tokens minus every review note and all it contains, wherever it is nested."""
    kept, depth = [], 0
    for token in tokens:
        if token.type == _NOTE_OPEN:
            depth += 1
        elif token.type == _NOTE_CLOSE:
            depth -= 1
        elif depth == 0:
            kept.append(token)
    return kept


@dataclass
class Source:
    """Where a piece of Markdown comes from, so that problems point at the right file and line."""

    path: Path
    #: Folder of the file inside the course: "" for course.md, the module key otherwise.
    folder: str
    #: Line of the file on which the text starts.
    first_line: int
    #: Images shown by the text (paths inside the course), filled in while rendering.
    images: set[str] = field(default_factory=set)

    def shifted(self, lines: int) -> "Source":
        """The same source, starting `lines` lines further down (sharing `images`)."""
        return replace(self, first_line=self.first_line + lines, images=self.images)


class CourseRenderer:
    """Renders the Markdown of one course, collecting the problems found on the way.

    By default it renders for learners, without review notes; `show_review_notes=True` renders
    the trainers' preview. The notes are checked (links, images) either way.
    """

    def __init__(
        self, step_keys: set[str], image_paths: set[str], *, show_review_notes: bool = False
    ) -> None:
        self.step_keys = step_keys
        self.image_paths = image_paths
        self.show_review_notes = show_review_notes
        self.problems: list[Problem] = []

    def render(self, text: str, source: Source) -> str:
        env: dict[str, Any] = {}
        tokens = MARKDOWN.parse(text, env)
        self._check_blocks(tokens, text, source)
        for token in tokens:
            if token.children:
                line = source.first_line + (token.map[0] if token.map else 0)
                self._check_inline(token.children, source, line)
        if not self.show_review_notes:
            tokens = without_review_notes(tokens)
        return sanitize(MARKDOWN.renderer.render(tokens, MARKDOWN.options, env))

    def render_inline(self, text: str, source: Source) -> str:
        env: dict[str, Any] = {}
        tokens = MARKDOWN.parseInline(text, env)
        for token in tokens:
            self._check_inline(token.children or [], source, source.first_line)
        return sanitize(MARKDOWN.renderer.render(tokens, MARKDOWN.options, env))

    def _problem(self, source: Source, line: int, message: str) -> None:
        self.problems.append(Problem(source.path, line, message))

    def _check_blocks(self, tokens: list[Token], text: str, source: Source) -> None:
        lines = text.split("\n")
        deepest = max(tokens, key=lambda token: token.level, default=None)
        if deepest is not None and deepest.level >= MAX_NESTING - 1:
            line = source.first_line + (deepest.map[0] if deepest.map else 0)
            self._problem(
                source,
                line,
                f"trop de niveaux imbriqués (listes ou citations) : au-delà de {MAX_NESTING // 2}"
                " niveaux, la suite du texte serait perdue",
            )
        for token in tokens:
            line = source.first_line + (token.map[0] if token.map else 0)
            if token.type.startswith("container_") and token.nesting == 1 and token.map:
                end = token.map[1]
                if end >= len(lines) or not _FENCE_LINE.match(lines[end]):
                    self._problem(
                        source,
                        line,
                        "encadré non fermé : ajoutez une ligne « ::: » après son texte",
                    )
            elif token.type == "inline":
                for offset, content_line in enumerate(token.content.split("\n")):
                    self._check_callout_marker(content_line, source, line + offset)
            elif token.type in ("heading_open", "heading_close") and token.tag == "h1":
                # The page shows the step's title as its only h1: a `#` heading becomes h2.
                token.tag = "h2"
                if token.type == "heading_open":
                    self.problems.append(
                        Problem(
                            source.path,
                            line,
                            "titre de niveau 1 (« # ») : il est réservé au titre de l'étape, "
                            "affiché en haut de la page ; commencez vos intertitres par « ## »",
                            "warning",
                        )
                    )

    def _check_callout_marker(self, content_line: str, source: Source, line: int) -> None:
        match = _CALLOUT_LINE.match(content_line)
        if match is None:
            return
        name = match.group(1)
        if not name:
            self._problem(source, line, "« ::: » ne ferme aucun encadré ouvert")
        else:
            known = ", ".join(CALLOUT_LABELS)
            self._problem(source, line, f"encadré inconnu « {name} » : choisissez parmi {known}")

    def _check_inline(self, children: list[Token], source: Source, line: int) -> None:
        for token in children:
            if token.type in ("softbreak", "hardbreak"):
                line += 1
            elif token.type == "link_open":
                href, step_key = self._resolve(token.attrGet("href") or "", source, line, False)
                if href is None:
                    del token.attrs["href"]
                else:
                    token.attrSet("href", href)
                    if step_key:
                        token.attrSet("data-step-key", step_key)
            elif token.type == "image":
                src, _ = self._resolve(token.attrGet("src") or "", source, line, True)
                token.attrSet("src", src or "")
                token.attrSet("class", "fr-responsive-img")
                if not token.content.strip():
                    self.problems.append(
                        Problem(
                            source.path,
                            line,
                            "image sans texte alternatif : décrivez-la entre les crochets ![…]",
                            "warning",
                        )
                    )

    def _resolve(
        self, url: str, source: Source, line: int, is_image: bool
    ) -> tuple[str | None, str | None]:
        """The URL to render and the step it targets, or (None, None) after a problem."""
        what = "image" if is_image else "lien"
        url = url.strip()
        if not url:
            self._problem(source, line, f"{what} sans adresse")
            return None, None
        scheme = _SCHEME.match(url)
        if scheme or url.startswith(("//", "\\")):
            if is_image:
                self._problem(
                    source,
                    line,
                    f"image externe refusée ({_shorten(url)}) : placez l'image dans le dossier"
                    " images/ du cours",
                )
                return None, None
            if scheme and scheme.group(1).lower() in LINK_SCHEMES:
                return url, None
            self._problem(
                source,
                line,
                f"lien refusé ({_shorten(url)}) : seuls les liens http://, https://, mailto: et"
                " les liens relatifs vers une étape ou une image du cours sont permis",
            )
            return None, None
        path, hash_sign, fragment = url.partition("#")
        if not path and not is_image:
            return url, None
        if "?" in path:
            self._problem(source, line, f"{what} relatif avec « ? » refusé ({_shorten(url)})")
            return None, None
        decoded = unquote(path)
        target = posixpath.normpath(posixpath.join(source.folder, decoded)) if decoded else ""
        if decoded.startswith("/") or target == ".." or target.startswith("../"):
            self._problem(
                source,
                line,
                f"{what} hors du dossier du cours refusé ({_shorten(url)}) : utilisez un chemin"
                " relatif vers une étape ou vers le dossier images/ du cours",
            )
            return None, None
        prefix = "../" if source.folder else ""
        if target in self.image_paths:
            source.images.add(target)
            return prefix + quote(target), None
        if is_image:
            self._problem(
                source,
                line,
                f"image introuvable : {_shorten(decoded)} (les images se placent dans le dossier"
                " images/ du cours, par exemple ../images/schema.png)",
            )
            return None, None
        if target.endswith(".md") and target[:-3] in self.step_keys:
            key = target[:-3]
            return prefix + quote(key) + hash_sign + fragment, key
        if target.endswith(".md"):
            self._problem(
                source, line, f"lien vers une étape qui n'existe pas : {_shorten(decoded)}"
            )
        else:
            self._problem(
                source,
                line,
                f"lien relatif non pris en charge ({_shorten(decoded)}) : visez le fichier .md"
                " d'une étape ou une image du dossier images/",
            )
        return None, None


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
