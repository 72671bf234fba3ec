"""Miprof's dashboard: indicators for the cut named by the query string (a bookmarkable URL)."""

from flask import current_app, render_template, request

from training.accounts.access import roles_required
from training.accounts.models import Role
from training.certificates.services import paris_today
from training.monitoring import bp, charts, periods
from training.monitoring.filters import Choices, FilterError, parse_filters
from training.monitoring.indicators import COLUMNS, build_report
from training.pages.documents import document_html

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
