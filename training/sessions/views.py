"""Sessions pages: the trainer's list, form, session page and exports; the join pages.

Trainers and admins reach the trainer's pages; `services.session_for` answers None for another
trainer's session, and the view 404s exactly as for an unknown id. Anyone signed in may join.
"""

import io

import segno
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import login_required, roles_required
from training.accounts.forms import EmptyForm
from training.accounts.models import Role, Territory
from training.accounts.services import offered_territories
from training.audit.services import record_event
from training.catalog.services import latest_versions
from training.certificates import services as certificates
from training.content.models import Course
from training.errors import render_error
from training.extensions import db, limiter
from training.sessions import bp, exports, services
from training.sessions.codes import InvalidJoinCodeError, normalise_join_code
from training.sessions.forms import JoinCodeForm, ProgressFilterForm, SessionForm
from training.sessions.models import TrainingSession
from training.sessions.progress import progress_table
from training.sessions.table import SORT_KEYS, STATUS_LABELS, filter_rows, sort_rows
from training.urls import external_url

TRAINERS = (Role.TRAINER, Role.ADMIN)
#: Per address: enough for a room typing a code at once behind one NAT, too few to guess codes.
JOIN_LIMIT = "60 per minute"


def _own_session(session_id: int) -> TrainingSession:
    return services.session_for(current_user, session_id) or abort(404)


def join_url(session: TrainingSession) -> str:
    """The public join link: printed on slides, so built on SITE_URL when it is set."""
    return external_url("sessions.join", code=session.join_code)


# --- the trainer's pages ------------------------------------------------------------------


@bp.route("")
@roles_required(*TRAINERS)
def my_sessions():
    """The trainer's sessions (every session for an admin)."""
    return render_template(
        "sessions/list.html", summaries=services.sessions_of_trainer(current_user)
    )


def _plan_from(form: SessionForm) -> services.SessionPlan | None:
    """The plan the validated form describes; None (with the field's error) for a course or
    territory that no longer exists."""
    course = db.session.get(Course, form.course_id.data)
    territory = db.session.get(Territory, form.territory_id.data)
    if course is None:
        form.course_id.errors.append("Choisissez une formation de la liste.")
    if territory is None:
        form.territory_id.errors.append("Choisissez un territoire de la liste.")
    if course is None or territory is None:
        return None
    return services.SessionPlan(
        name=form.name.data,
        course=course,
        territory=territory,
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        capacity=form.capacity.data,
        days=[services.DayPlan(held_on, place) for held_on, place in form.days()],
    )


def _session_form(session: TrainingSession | None):
    """Create (session None) or edit a session: the form, then the session page."""
    form = SessionForm(obj=session)
    form.load_choices(
        latest_versions(), offered_territories(session.territory if session else None)
    )
    if session is not None and not form.is_submitted():
        form.fill_days(session.days)
    if form.validate_on_submit() and (plan := _plan_from(form)) is not None:
        try:
            if session is None:
                session = services.create_session(current_user, plan)
            else:
                services.update_session(session, plan)
        except services.SessionError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("La session est enregistrée.", "success")
            return redirect(url_for("sessions.session_page", session_id=session.id))
    status = 422 if form.errors or form.form_errors else 200
    return render_template("sessions/form.html", form=form, item=session), status


@bp.route("/nouvelle", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def new_session():
    """Create a session."""
    return _session_form(None)


@bp.route("/<int:session_id>/modifier", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def edit_session(session_id: int):
    """Edit one of the trainer's sessions."""
    return _session_form(_own_session(session_id))


def _table_view(session: TrainingSession):
    """The progress table, filtered and sorted as the query string asks."""
    table = progress_table(session)
    filters = ProgressFilterForm(request.args)
    status = filters.statut.data if filters.validate() else None
    sort = request.args.get("tri") if request.args.get("tri") in SORT_KEYS else "nom"
    descending = request.args.get("ordre") == "desc"
    rows = sort_rows(filter_rows(table.rows, status), sort, descending)
    return table, filters, rows, sort, descending, status


@bp.route("/<int:session_id>")
@roles_required(*TRAINERS)
def session_page(session_id: int):
    """Details, join code and link, participants' progress and attendance."""
    session = _own_session(session_id)
    table, filters, rows, sort, descending, status = _table_view(session)
    return render_template(
        "sessions/session.html",
        session=session,
        course_title=services.course_title(session),
        join_url=join_url(session),
        table=table,
        rows=rows,
        filters=filters,
        sort=sort,
        descending=descending,
        status=status,
        sort_keys=SORT_KEYS,
        status_labels=STATUS_LABELS,
        form=EmptyForm(),
    )


def qr_svg(url: str, title: str) -> bytes:
    """A standalone SVG document (with its namespace, which an <img> needs) of the QR code."""
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(
        buffer, kind="svg", scale=8, xmldecl=False, title=title, svgclass=None, lineclass=None
    )
    return buffer.getvalue()


@bp.route("/<int:session_id>/qr-code.svg")
@roles_required(*TRAINERS)
def qr_code(session_id: int):
    """The join link as a QR code, to show on a slide."""
    session = _own_session(session_id)
    svg = qr_svg(join_url(session), f"Lien pour rejoindre la session {session.display_code}")
    response = make_response(svg)
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:session_id>/participants.<fmt>")
@roles_required(*TRAINERS)
def export(session_id: int, fmt: str):
    """The progress table, as filtered and sorted on the page, as CSV or ODS (audited)."""
    if fmt not in exports.MIME_TYPES:
        abort(404)
    session = _own_session(session_id)
    table, _filters, rows, _sort, _descending, status = _table_view(session)
    body = exports.to_csv(table, rows) if fmt == "csv" else exports.to_ods(table, rows)
    record_event(
        current_user, "session.exported", "session", session.id, format=fmt, rows=len(rows)
    )
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = exports.MIME_TYPES[fmt]
    today = certificates.paris_today().isoformat()
    filename = f"session-{session.join_code.lower()}-{today}.{fmt}"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _parse_ids(values: list[str]) -> set[int]:
    """Ids posted by the form; 400 for anything else."""
    if not all(value.isascii() and value.isdigit() and len(value) < 12 for value in values):
        abort(400)
    return {int(value) for value in values}


def _parse_presence(values: list[str]) -> set[tuple[int, int]]:
    """« day-member » pairs of the ticked boxes; 400 for anything else."""
    pairs = set()
    for value in values:
        day, _, member = value.partition("-")
        day_id, member_id = _parse_ids([day]), _parse_ids([member])
        pairs.add((day_id.pop(), member_id.pop()))
    return pairs


@bp.route("/<int:session_id>/presences", methods=["POST"])
@roles_required(*TRAINERS)
def attendance(session_id: int):
    """Save the attendance boxes of every in-person day."""
    session = _own_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.record_attendance(
            session,
            _parse_ids(request.form.getlist("membre")),
            _parse_presence(request.form.getlist("presence")),
        )
    except services.SessionError as error:
        db.session.rollback()
        abort(make_response(render_error(400, str(error))))
    db.session.commit()
    flash("Les présences sont enregistrées.", "success")
    return redirect(url_for("sessions.session_page", session_id=session.id, _anchor="presences"))


@bp.route("/<int:session_id>/cloture", methods=["POST"])
@roles_required(*TRAINERS)
def close(session_id: int):
    """Close the session to new members."""
    session = _own_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.close_session(session)
    db.session.commit()
    flash("La session est close : plus personne ne peut la rejoindre.", "success")
    return redirect(url_for("sessions.session_page", session_id=session.id))


@bp.route("/<int:session_id>/reouverture", methods=["POST"])
@roles_required(*TRAINERS)
def reopen(session_id: int):
    """Open the session to new members again."""
    session = _own_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.reopen_session(session)
    db.session.commit()
    flash("La session est rouverte : elle peut de nouveau être rejointe.", "success")
    return redirect(url_for("sessions.session_page", session_id=session.id))


# --- joining ------------------------------------------------------------------------------


@bp.route("/rejoindre")
@limiter.limit(JOIN_LIMIT)
@login_required
def join_form():
    """Type a session's code; a known one leads to its join page."""
    form = JoinCodeForm(request.args)
    if "code" not in request.args:
        return render_template("sessions/join_form.html", form=form)
    if form.validate():
        try:
            code = normalise_join_code(form.code.data)
        except InvalidJoinCodeError as error:
            form.code.errors.append(str(error))
        else:
            if services.session_by_code(code) is not None:
                return redirect(url_for("sessions.join", code=code), 303)
            form.code.errors.append(
                "Aucune session ne correspond à ce code : vérifiez-le auprès de la personne "
                "qui anime la session."
            )
            return render_template("sessions/join_form.html", form=form), 404
    return render_template("sessions/join_form.html", form=form), 422


@bp.route("/rejoindre/<code>", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT)
@login_required
def join(code: str):
    """A session as a participant sees it before joining, and the button that joins it."""
    try:
        canonical = normalise_join_code(code)
    except InvalidJoinCodeError:
        canonical = None
    session = services.session_by_code(canonical) if canonical else None
    if session is None:
        form = JoinCodeForm(data={"code": code})
        form.code.errors = ["Aucune session ne correspond à ce code."]
        return render_template("sessions/join_form.html", form=form), 404
    if canonical != code and request.method == "GET":
        return redirect(url_for("sessions.join", code=canonical), 301)
    form = EmptyForm()
    error = None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        joined, error = join_then_resume(session, services.join_session)
        if joined is not None:
            return joined
    member = services.membership(session, current_user)
    reason = None
    missing_prerequisites = []
    if member is None:
        reason = services.why_not_joinable(
            session, services.member_count(session), certificates.paris_today()
        )
        missing_prerequisites = services.missing_prerequisites(session, current_user)
    return render_template(
        "sessions/join.html",
        session=session,
        course_title=services.course_title(session),
        member=member,
        reason=reason,
        missing_prerequisites=missing_prerequisites,
        error=error,
        form=form,
    ), (409 if error else 200)


@bp.app_template_global()
def my_training_sessions() -> list[services.JoinedSession]:
    """The signed-in person's sessions, for « Mon parcours »."""
    return services.sessions_of_member(current_user) if current_user.is_authenticated else []


def join_then_resume(session, join):
    """Call `join(current_user, session)`; on success commit, say so and go to the course
    (the response, None), else roll back (None, the French reason it was refused)."""
    try:
        join(current_user, session)
    except services.SessionError as refused:
        db.session.rollback()
        return None, str(refused)
    db.session.commit()
    flash(
        f"Vous avez rejoint la session « {session.name} » : votre inscription à sa "
        "formation est faite.",
        "success",
    )
    return redirect(url_for("learning.resume", slug=session.course.slug)), None
