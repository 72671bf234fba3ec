"""Downloads of the dashboard's figures (CSV, ODS, XLSX) for the cut named by the query string."""

from collections.abc import Callable

from flask import Response, abort, request
from flask_login import current_user

from training.accounts.access import roles_required
from training.audit.services import record_event
from training.extensions import db
from training.monitoring import bp, exports, views
from training.monitoring.indicators import Report

WRITERS: dict[str, Callable[[list[exports.Sheet]], bytes]] = {
    "csv": exports.to_csv,
    "ods": exports.to_ods,
    "xlsx": exports.to_xlsx,
}


@bp.route("/suivi/export.<fmt>")
@roles_required(*views.MONITORS)
def export(fmt: str):
    """The dashboard's table, funnel and months as a file; the dashboard and its French
    message (400) when the filters name nothing."""
    if fmt not in WRITERS:
        abort(404)
    _choices, report, error = views.report_for_request()
    if error:
        return views.dashboard()
    body = WRITERS[fmt](exports.report_sheets(report))
    if request.method == "GET":  # a HEAD request downloads nothing
        record_event(
            current_user, "monitoring.exported", "monitoring", fmt, **report.filters.query()
        )
        db.session.commit()
    return Response(
        body,
        content_type=exports.MIME_TYPES[fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(report, fmt)}"',
            "Cache-Control": "no-store",
        },
    )


def file_name(report: Report, fmt: str) -> str:
    """« suivi-traite-2026-T3-2026-12-01.ods »: the period, then the extraction day."""
    period = report.filters.period
    if period.value == "plage":
        label = f"{period.first_month:%Y-%m}-a-{period.last_month:%Y-%m}"
    else:
        label = period.value
    return f"suivi-traite-{label}-{report.today.isoformat()}.{fmt}"
