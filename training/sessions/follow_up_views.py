"""Follow-up pages of a session: reminders, an extra quiz attempt, quiz statistics."""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.certificates import services as certificates
from training.errors import render_error
from training.extensions import db
from training.mailer import send_email
from training.sessions import bp, follow_up, services, statistics
from training.sessions.models import SessionMember, TrainingSession
from training.sessions.quiz_statistics import FLAG_LABELS, MIN_ATTEMPTS
from training.sessions.views import TRAINERS, _own_session
from training.urls import external_url

REMINDER_SUBJECT = "Rappel : votre formation vous attend"


def _reminder_context(session: TrainingSession, member: SessionMember | None) -> dict:
    return {
        "session": session,
        "course_title": services.course_title(session),
        "full_name": member.user.full_name if member else "(nom et prénom de la personne)",
        "link": external_url("learning.resume", slug=session.course.slug),
    }


@bp.route("/<int:session_id>/relance", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def remind(session_id: int):
    """Preview (GET) and send (POST) a reminder to the participants who have not finished."""
    session = _own_session(session_id)
    today = certificates.paris_today()
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        claimed = follow_up.record_reminders(current_user, session, today)
        db.session.commit()
        failed = [
            member
            for member in claimed
            if not send_email(
                member.user.email,
                REMINDER_SUBJECT,
                "session_reminder",
                **_reminder_context(session, member),
            )
        ]
        if failed:
            follow_up.release_reminders(failed, today)
            db.session.commit()
            flash(
                f"{len(failed)} rappel{'s' if len(failed) > 1 else ''} n'a pas pu partir : "
                "réessayez plus tard.",
                "error",
            )
        sent = len(claimed) - len(failed)
        flash(
            f"Rappel envoyé à {sent} participant{'s' if sent > 1 else ''}."
            if sent
            else "Aucun rappel envoyé : chaque personne en reçoit au plus un par jour.",
            "success" if sent else "info",
        )
        return redirect(url_for("sessions.session_page", session_id=session.id))
    plan = follow_up.plan_reminders(session, today)
    message = render_template("email/session_reminder.txt", **_reminder_context(session, None))
    return render_template(
        "sessions/reminder.html",
        session=session,
        plan=plan,
        subject=REMINDER_SUBJECT,
        message=message,
        form=form,
    )


@bp.route("/<int:session_id>/tentative-supplementaire", methods=["POST"])
@roles_required(*TRAINERS)
def grant_attempt(session_id: int):
    """Grant one more attempt at a quiz to a participant who used them all."""
    session = _own_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    member_id, _, quiz_key = request.form.get("octroi", "").partition(":")
    if not (member_id.isascii() and member_id.isdigit() and len(member_id) < 12) or not quiz_key:
        abort(400)
    try:
        follow_up.grant_extra_attempt(current_user, session, int(member_id), quiz_key)
    except services.SessionError as error:
        db.session.rollback()
        abort(make_response(render_error(400, str(error))))
    db.session.commit()
    member = db.session.get(SessionMember, int(member_id))
    flash(
        f"Une tentative supplémentaire est accordée à {member.user.full_name} : elle apparaît "
        "sur sa page du quiz.",
        "success",
    )
    return redirect(url_for("sessions.session_page", session_id=session.id))


@bp.route("/statistiques")
@roles_required(*TRAINERS)
def quiz_statistics_index():
    """The quizzes and scenarios of the courses the trainer teaches (every course for an admin)."""
    return render_template(
        "sessions/statistics_index.html", courses=statistics.taught_courses(current_user)
    )


@bp.route("/statistiques/<slug>/<path:quiz_key>")
@roles_required(*TRAINERS)
def quiz_statistics(slug: str, quiz_key: str):
    """A quiz's statistics over first attempts, or a scenario's choice counts over first plays:
    the whole course, or one session."""
    step = statistics.taught_step(current_user, slug, quiz_key) or abort(404)
    sessions = statistics.sessions_of_course(current_user, step.version.course_id)
    chosen = None
    if request.args.get("session"):
        wanted = request.args["session"]
        chosen = next((s for s in sessions if str(s.id) == wanted), None) or abort(404)
    if step.kind == "scenario":
        return render_template(
            "sessions/scenario_statistics.html",
            report=statistics.scenario_report(step, chosen),
            step=step,
            slug=slug,
            sessions=sessions,
            chosen=chosen,
            min_attempts=MIN_ATTEMPTS,
        )
    report = statistics.quiz_report(step, chosen)
    return render_template(
        "sessions/statistics.html",
        report=report,
        step=step,
        slug=slug,
        sessions=sessions,
        chosen=chosen,
        flag_labels=FLAG_LABELS,
        min_attempts=MIN_ATTEMPTS,
    )
