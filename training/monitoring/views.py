"""Miprof's dashboard: indicators for the cut named by the query string (a bookmarkable URL)."""

import functools
from pathlib import Path

from flask import current_app, render_template, request
from markdown_it import MarkdownIt

from training.accounts.access import roles_required
from training.accounts.models import Role
from training.certificates.services import paris_today
from training.monitoring import bp, charts, periods
from training.monitoring.filters import Choices, FilterError, parse_filters
from training.monitoring.indicators import COLUMNS, build_report

MONITORS = (Role.MONITOR, Role.ADMIN)


def report_for_request():
    """The report asked for by the query string, or the French reason it cannot be built."""
    today = paris_today()
    choices = Choices.load(today)
    try:
        filters = parse_filters(request.args, choices, today)
    except FilterError as error:
        return choices, None, str(error)
    threshold = current_app.config["MONITORING_SMALL_COUNT_THRESHOLD"]
    return choices, build_report(filters, choices, today, threshold), None


@bp.route("/suivi")
@roles_required(*MONITORS)
def dashboard():
    """Headline figures, the table, the funnel and the charts of one cut of the indicators."""
    choices, report, error = report_for_request()
    today = paris_today()
    return render_template(
        "monitoring/dashboard.html",
        report=report,
        error=error,
        choices=choices,
        columns=COLUMNS,
        args=report.filters.query() if report else request.args,
        period_choices=periods.period_choices(today, choices.first_month),
        rate_bars=charts.rate_bars,
        monthly_lines=charts.monthly_lines,
    ), (400 if error else 200)


@bp.route("/suivi/definitions")
@roles_required(*MONITORS)
def definitions():
    """What each indicator counts, how and when: docs/indicateurs.md, the one text of them."""
    return render_template(
        "monitoring/definitions.html", definitions_html=document_html("indicateurs.md")
    )


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
