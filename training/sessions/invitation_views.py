"""Invitation pages: the trainer's CSV upload, its preview and confirmation; the link mailed.

The preview carries the file's text in a hidden field: the confirmation parses and plans it
again, so nothing is kept between the two requests and nothing stale is applied.
"""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import public, roles_required
from training.accounts.forms import EmptyForm
from training.accounts.services import find_user_by_email
from training.accounts.tokens import make_signup_invitation
from training.extensions import db, limiter
from training.mailer import send_email
from training.sessions import bp, invitation_csv, invitations, services
from training.sessions.forms import InvitationConfirmForm, InvitationUploadForm
from training.sessions.models import TrainingSession
from training.sessions.views import JOIN_LIMIT, TRAINERS, _own_session, join_then_resume
from training.urls import external_url


def _parse(text: str) -> list[invitation_csv.InvitationRow]:
    return invitation_csv.parse_invitations_csv(text, invitations.profession_keys())


def _upload_page(session: TrainingSession, form, problems=(), status: int = 200):
    return render_template(
        "sessions/invitations.html",
        session=session,
        form=form,
        problems=problems,
        pending=invitations.pending_invitations(session),
        columns=invitation_csv.CSV_COLUMNS,
    ), status


@bp.route("/<int:session_id>/invitations", methods=["GET", "POST"])
@roles_required(*TRAINERS)
def invitations_upload(session_id: int):
    """Send a CSV file of people to invite; a preview of each line follows."""
    session = _own_session(session_id)
    form = InvitationUploadForm()
    if not form.validate_on_submit():
        return _upload_page(session, form, status=422 if form.is_submitted() else 200)
    try:
        text = invitation_csv.decode_csv(form.file.data.read())
        rows = _parse(text)
    except invitation_csv.InvitationCsvError as error:
        return _upload_page(session, form, error.problems, 422)
    plan = invitations.plan_invitations(session, rows)
    return render_template(
        "sessions/invitations_preview.html",
        session=session,
        plan=plan,
        actions=invitations,
        confirm=InvitationConfirmForm(data={"content": text}),
    )


@bp.route("/<int:session_id>/invitations/confirmer", methods=["POST"])
@roles_required(*TRAINERS)
def invitations_confirm(session_id: int):
    """Apply the previewed file, every line or none, then send the mails."""
    session = _own_session(session_id)
    form = InvitationConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        result = invitations.invite(current_user, session, _parse(form.content.data))
    except invitation_csv.InvitationCsvError as error:
        db.session.rollback()
        return _upload_page(session, InvitationUploadForm(formdata=None), error.problems, 422)
    except services.SessionError as error:
        db.session.rollback()
        flash(f"Rien n'a été fait : {error}", "error")
        return redirect(url_for("sessions.invitations_upload", session_id=session.id))
    db.session.commit()
    failed = _send_mails(session, result)
    flash(_summary(result), "success")
    if failed:
        flash(
            f"{failed} courriel{'s' if failed > 1 else ''} n'a pas pu partir : envoyez de "
            "nouveau le fichier plus tard (les invitations seront renvoyées).",
            "error",
        )
    return redirect(url_for("sessions.session_page", session_id=session.id))


def _summary(result: invitations.InvitationResult) -> str:
    added, invited = len(result.added), len(result.invited)
    return (
        f"{added} personne{'s' if added > 1 else ''} ajoutée{'s' if added > 1 else ''} à la "
        f"session, {invited} invitation{'s' if invited > 1 else ''} envoyée"
        f"{'s' if invited > 1 else ''}."
    )


def _send_mails(session: TrainingSession, result: invitations.InvitationResult) -> int:
    """Mail each person added and each person invited; returns how many could not be sent."""
    course_title = services.course_title(session)
    failed = 0
    for member in result.added:
        link = external_url("learning.resume", slug=session.course.slug)
        sent = send_email(
            member.user.email,
            f"Vous participez à la session « {session.name} »",
            "session_added",
            user=member.user,
            session=session,
            course_title=course_title,
            link=link,
        )
        failed += not sent
    for sent_invitation in result.invited:
        invitation = sent_invitation.invitation
        link = external_url("sessions.invitation", token=sent_invitation.token)
        sent = send_email(
            invitation.email,
            f"Invitation à la session « {session.name} »",
            "session_invitation",
            invitation=invitation,
            session=session,
            course_title=course_title,
            link=link,
        )
        failed += not sent
    return failed


@bp.route("/<int:session_id>/invitations/modele.csv")
@roles_required(*TRAINERS)
def invitations_template(session_id: int):
    """The model file to fill in."""
    _own_session(session_id)
    response = make_response(invitation_csv.example_csv())
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="modele-invitations.csv"'
    return response


@bp.route("/invitation/<token>", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT)
@public
def invitation(token: str):
    """The link mailed to an invited person: sign up (prefilled), log in, or join."""
    invitation = invitations.invitation_by_token(token)
    if invitation is None:
        return render_template("sessions/invitation_invalid.html"), 404
    session = invitation.session
    form = EmptyForm()
    error = None
    if request.method == "POST":
        if not current_user.is_authenticated:
            return redirect(url_for("accounts.login", next=request.path))
        if not form.validate_on_submit():
            abort(400)
        joined, error = join_then_resume(
            session, lambda user, _session: invitations.accept_invitation(user, invitation)
        )
        if joined is not None:
            return joined
    signup_link = None
    has_account = find_user_by_email(invitation.email) is not None
    if not current_user.is_authenticated and not has_account:
        signup_token = make_signup_invitation(
            email=invitation.email,
            full_name=invitation.full_name,
            profession_id=invitation.profession_id,
            territory_id=session.territory_id,
            next_url=url_for("sessions.invitation", token=token),
        )
        signup_link = url_for("accounts.signup", invitation=signup_token)
    return render_template(
        "sessions/invitation.html",
        invitation=invitation,
        session=session,
        course_title=services.course_title(session),
        member=services.membership(session, current_user)
        if current_user.is_authenticated
        else None,
        signup_link=signup_link,
        login_link=url_for("accounts.login", next=request.path),
        error=error,
        form=form,
    ), (409 if error else 200)
