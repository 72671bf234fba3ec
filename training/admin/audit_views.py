"""The audit log (admins only): filtered, paged, in French words, and exported as CSV."""

from flask import Response, current_app, render_template, request
from flask_login import current_user

from training.accounts.access import roles_required
from training.accounts.models import Role
from training.admin import bp
from training.admin.forms import AuditFilterForm
from training.audit import log
from training.certificates.services import paris_today
from training.extensions import db


def _filters() -> tuple[AuditFilterForm, log.AuditFilter | None]:
    """The filter form read from the query string, and the filters (None if invalid)."""
    form = AuditFilterForm(request.args)
    form.load_choices()
    if not form.validate():
        return form, None
    return form, log.AuditFilter(
        action=form.action.data or "",
        person=form.person.data or "",
        date_from=form.date_from.data,
        date_to=form.date_to.data,
    )


@bp.route("/journal")
@roles_required(Role.ADMIN)
def audit_log():
    """Who did what to whom, newest first, filtered by action, person and dates; 400 with the
    form's errors for filters that cannot be read."""
    form, filters = _filters()
    if filters is None:
        return render_template("admin/audit_log.html", form=form, pagination=None, lines=[]), 400
    page = request.args.get("page", 1, type=int)
    pagination = log.search_events(filters, page, current_app.config["AUDIT_EVENTS_PER_PAGE"])
    return render_template(
        "admin/audit_log.html",
        form=form,
        pagination=pagination,
        lines=log.describe(pagination.items),
    )


@bp.route("/journal.csv")
@roles_required(Role.ADMIN)
def audit_log_csv():
    """Every event the filters select, as a CSV file; the export is itself recorded."""
    form, filters = _filters()
    if filters is None:
        return render_template("admin/audit_log.html", form=form, pagination=None, lines=[]), 400
    body = log.export_csv(filters, current_user)
    db.session.commit()
    return Response(
        body,
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": (
                f'attachment; filename="journal-audit-{paris_today().isoformat()}.csv"'
            ),
            "Cache-Control": "private, no-store",
        },
    )
