"""Login sessions in requests: Flask-Login's user loader, the hook that resumes the session
before each view, and the page « Mes sessions actives » (accounts.login_sessions does the work)."""

from flask import abort, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from training.accounts import bp, login_sessions
from training.accounts.access import login_required
from training.accounts.forms import EmptyForm
from training.accounts.models import User
from training.extensions import db

EXPIRED_MESSAGE = "Votre session a expiré. Connectez-vous à nouveau pour continuer."
ENDED_ELSEWHERE_MESSAGE = (
    "Votre session a été terminée depuis un autre appareil. Connectez-vous à nouveau pour "
    "continuer."
)


def load_user(secret: str) -> User | None:
    """Flask-Login's user loader: the session cookie holds the login session's secret."""
    resumed = login_sessions.resume_session(secret)
    g.resumed_login_session = resumed
    return resumed.user


def resume_login_session() -> None:
    """Before every request but static files: resume the login session first, so that what
    resuming writes (the last use, once a minute; an expired session's deletion) is committed
    on its own, before the view; and so that a cookie pointing to a session that is over
    forgets it, with a word for the person when it expired."""
    if request.endpoint == "static" or "_user_id" not in session:
        return
    authenticated = current_user.is_authenticated  # calls load_user
    resumed = g.pop("resumed_login_session", None)
    if resumed is None:
        return
    if resumed.written:
        db.session.commit()
    if not authenticated:
        logout_user()
        if resumed.expired:
            flash(EXPIRED_MESSAGE, "info")


def start_session(user: User, *, log_in: bool = True) -> None:
    """Open a login session on this device (a row in user_sessions, whose secret the cookie
    keeps), recorded in the audit log as a log-in unless `log_in` is False; the caller commits.
    Whatever the anonymous session held is dropped, so a planted session cannot become this
    user's."""
    session.clear()
    open_session = login_sessions.log_in if log_in else login_sessions.open_session
    open_session(user, request.user_agent.string)
    login_user(user)
    session.permanent = True


def signed_out_elsewhere():
    """The request's own session was ended meanwhile: forget it, and say so at the log-in."""
    db.session.rollback()
    logout_user()
    session.clear()
    flash(ENDED_ELSEWHERE_MESSAGE, "info")
    return redirect(url_for("accounts.login"))


@bp.route("/compte/sessions")
@login_required
def active_sessions():
    """The user's live sessions (device, log-in, last use), each of the others with a button
    that ends it, and one that ends them all."""
    return render_template(
        "accounts/sessions.html",
        items=login_sessions.sessions_of(current_user),
        current_id=current_user.current_session.id,
        limits=login_sessions.limits_for(current_user),
        form=EmptyForm(),
    )


@bp.route("/compte/sessions/<int:session_id>/fin", methods=["POST"])
@login_required
def end_active_session(session_id: int):
    """End one of one's sessions (POST with the CSRF token); someone else's is a 404. Ending
    the request's own session is logging out."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    is_current = session_id == current_user.current_session.id
    try:
        device = login_sessions.end_session(current_user, session_id)
    except login_sessions.SessionNotFoundError:
        abort(404)
    db.session.commit()
    if is_current:
        logout_user()
        session.clear()
        flash("Déconnexion réussie. À bientôt !", "info")
        return redirect(url_for("pages.home"))
    flash(f"La session « {device} » est terminée.", "success")
    return redirect(url_for("accounts.active_sessions"))


@bp.route("/compte/sessions/fin-des-autres", methods=["POST"])
@login_required
def end_other_active_sessions():
    """End every session of one's own but this one (POST with the CSRF token)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        ended = login_sessions.end_other_sessions(current_user)
    except login_sessions.SessionEndedError:
        return signed_out_elsewhere()
    db.session.commit()
    if ended == 0:
        flash("Aucune autre session n'était ouverte.", "info")
    elif ended == 1:
        flash("L'autre session est terminée.", "success")
    else:
        flash(f"Les {ended} autres sessions sont terminées.", "success")
    return redirect(url_for("accounts.active_sessions"))
