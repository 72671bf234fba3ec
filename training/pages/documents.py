"""Documents of docs/ shown as pages of the site (indicator definitions, API guide, guides)."""

import functools
from pathlib import Path

from flask import current_app
from markdown_it import MarkdownIt


@functools.cache
def document_html(name: str) -> str:
    """A document of docs/, rendered once per process: Markdown without raw HTML, tables in a
    DSFR frame that scrolls within the page (focusable, so that the keyboard can scroll it)."""
    markdown = MarkdownIt("commonmark", {"html": False}).enable("table")
    markdown.add_render_rule(
        "table_open", lambda *_: '<div class="fr-table"><table tabindex="0">\n'
    )
    markdown.add_render_rule("table_close", lambda *_: "</table></div>\n")
    path = Path(current_app.root_path).parent / "docs" / name
    return markdown.render(path.read_text(encoding="utf-8"))
