"""Public pages rendered once per process for visitors who carry no cookie.

During a campaign most visits to the home page and the catalogue come from people not yet signed
in; rendering the same page again for each of them was most of its cost. A request without a
cookie has no login session and no pending message, so nothing personal can be in its page:
the page depends only on the templates, its address and what the view read from the database
(`data`, say the newest versions of the catalogue). Anything else (a cookie, a query string, a
page whose rendering wrote to the session, templates reloading while a developer edits them) is
rendered as usual.

A view that reads the database may skip even that reading for a few seconds (`recent_page`): a
publication then reaches visitors without a cookie within FRESH_FOR_SECONDS, on every host, and
signed-in people at once; in a rush of visitors, the catalogue asks PostgreSQL nothing.
"""

from collections.abc import Hashable
from time import monotonic
from typing import NamedTuple

from flask import Flask, current_app, render_template, request, session

_CACHE = "shared_pages"
FRESH_FOR_SECONDS = 5.0


class _KeptPage(NamedTuple):
    data: Hashable
    html: str
    #: When the view last read `data` and found it unchanged (time.monotonic).
    checked_at: float


def render_for_anyone(template: str, data: Hashable = None, **context) -> str:
    """`render_template(template, **context)`, kept per address while `data` is unchanged."""
    if not _shareable():
        return render_template(template, **context)
    pages: dict[str, _KeptPage] = current_app.extensions.setdefault(_CACHE, {})
    kept = pages.get(request.path)
    if kept is not None and kept.data == data:
        pages[request.path] = kept._replace(checked_at=monotonic())
        return kept.html
    html = render_template(template, **context)
    if not session.modified:
        pages[request.path] = _KeptPage(data, html, monotonic())
    return html


def recent_page() -> str | None:
    """The page kept for this request if its view read its data less than FRESH_FOR_SECONDS
    ago; None when the view must run (and then call render_for_anyone)."""
    if not _shareable():
        return None
    kept = current_app.extensions.get(_CACHE, {}).get(request.path)
    if kept is None or monotonic() - kept.checked_at >= FRESH_FOR_SECONDS:
        return None
    return kept.html


def forget_pages(app: Flask) -> None:
    """Drop every kept page (tests, between which the database starts again)."""
    app.extensions.pop(_CACHE, None)


def _shareable() -> bool:
    return not (request.cookies or request.query_string or current_app.jinja_env.auto_reload)
