"""Public pages rendered once per process for visitors who carry no cookie.

During a campaign most visits to the home page and the catalogue come from people not yet signed
in; rendering the same page again for each of them was most of its cost. A request without a
cookie has no login session and no pending message, so nothing personal can be in its page:
the page depends only on the templates, its address and what the view read from the database
(`data`, say the newest versions of the catalogue, so that a publication shows at once on every
host). Anything else (a cookie, a query string, a page whose rendering wrote to the session,
templates reloading while a developer edits them) is rendered as usual.
"""

from collections.abc import Hashable

from flask import Flask, current_app, render_template, request, session

_CACHE = "shared_pages"


def render_for_anyone(template: str, data: Hashable = None, **context) -> str:
    """`render_template(template, **context)`, kept per address while `data` is unchanged."""
    if request.cookies or request.query_string or current_app.jinja_env.auto_reload:
        return render_template(template, **context)
    pages: dict[str, tuple[Hashable, str]] = current_app.extensions.setdefault(_CACHE, {})
    kept = pages.get(request.path)
    if kept is not None and kept[0] == data:
        return kept[1]
    html = render_template(template, **context)
    if not session.modified:
        pages[request.path] = (data, html)
    return html


def forget_pages(app: Flask) -> None:
    """Drop every kept page (tests, between which the database starts again)."""
    app.extensions.pop(_CACHE, None)
