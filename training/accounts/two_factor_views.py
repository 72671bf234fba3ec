"""The second step of a log-in, and the page « Double authentification » of « Mon compte »
(accounts.two_factor does the work).

Between the password and the code, the Flask session holds only who passed the password, when
and where to go next: no login session exists until the code is right (session_views.start_session).
"""

import time

from flask import abort, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user

from training.accounts import bp, two_factor
from training.accounts.access import is_safe_next, login_required, public
from training.accounts.forms import EnrolmentCodeForm, SecondFactorForm
from training.accounts.models import User
from training.accounts.session_views import start_session
from training.extensions import db, limiter

PENDING_KEY = "second_factor"
WRONG_CODE = (
    "Code incorrect ou déjà utilisé. Saisissez le code affiché en ce moment par votre "
    "application, ou un code de secours que vous n'avez pas encore utilisé."
)


def ask_second_factor(user: User, next_url: str | None):
    """After the right password of an account with a second factor: ask for the code."""
    session[PENDING_KEY] = {"user": user.id, "since": int(time.time()), "next": next_url}
    return redirect(url_for("accounts.second_factor"))


def _pending_user() -> tuple[User | None, str | None]:
    pending = session.get(PENDING_KEY)
    if not isinstance(pending, dict):
        return None, None
    age = time.time() - pending.get("since", 0)
    if age > current_app.config["TWO_FACTOR_PENDING_SECONDS"]:
        session.pop(PENDING_KEY, None)
        return None, None
    user = db.session.get(User, pending.get("user"))
    if user is None or not user.is_active or not two_factor.is_enabled(user):
        return None, None
    return user, pending.get("next")


def _second_factor_key() -> str:
    pending = session.get(PENDING_KEY)
    user_id = pending.get("user") if isinstance(pending, dict) else None
    return f"second-factor:{user_id}"


@bp.route("/connexion/code", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["TWO_FACTOR_LIMIT"],
    key_func=_second_factor_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,
    scope="second-factor",
)
@public
def second_factor():
    """The code of the authenticator application, or a recovery code; then the session opens."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    user, next_url = _pending_user()
    if user is None:
        flash("Saisissez d'abord votre adresse électronique et votre mot de passe.", "info")
        return redirect(url_for("accounts.login"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if two_factor.check_code(user, form.code.data):
            left = two_factor.recovery_codes_running_low(user)
            start_session(user)
            db.session.commit()
            flash(f"Connexion réussie. Bonjour {user.full_name} !", "success")
            if left is not None:
                flash(
                    f"Il vous reste {left} code{'s' if left > 1 else ''} de secours : "
                    "renouvelez-les depuis « Mon compte », « Double authentification ».",
                    "warning",
                )
            return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
        db.session.commit()
        form.code.errors.append(WRONG_CODE)
    status = 422 if form.errors else 200
    return render_template("accounts/second_factor.html", form=form), status


def _codes_page(codes: list[str]):
    return render_template("accounts/recovery_codes.html", codes=codes)


@bp.route("/compte/double-authentification", methods=["GET", "POST"])
@login_required
def two_factor_settings():
    """Turn the second factor on (QR code, key, first code), or see it is on and manage it."""
    user = current_user._get_current_object()
    form = EnrolmentCodeForm()
    if two_factor.is_enabled(user):
        return _settings_page(form)
    secret = two_factor.start_enrolment(user)
    db.session.commit()
    if form.validate_on_submit():
        codes = two_factor.confirm_enrolment(user, form.code.data)
        if codes is not None:
            db.session.commit()
            flash("La double authentification est activée.", "success")
            return _codes_page(codes)
        form.code.errors.append(
            "Ce code ne correspond pas à la clé affichée. Vérifiez que l'heure de votre "
            "téléphone est juste, puis saisissez le nouveau code."
        )
    uri = two_factor.provisioning_uri(user, secret)
    return render_template(
        "accounts/two_factor_enrol.html",
        form=form,
        qr_svg=two_factor.qr_svg(uri),
        secret=two_factor.display_secret(secret),
        required=two_factor.is_required(user),
    ), (422 if form.errors else 200)


def _confirmed_by_code(form: EnrolmentCodeForm) -> bool:
    """The current code is asked again before the codes are renewed or the factor turned off,
    so that a session left open is not enough."""
    if not form.validate_on_submit():
        return False
    if two_factor.check_code(current_user._get_current_object(), form.code.data):
        return True
    db.session.commit()
    form.code.errors.append(WRONG_CODE)
    return False


def _settings_page(form: EnrolmentCodeForm, status: int = 200):
    """« Double authentification » once it is on: codes left, renew them, turn it off."""
    return render_template(
        "accounts/two_factor.html",
        form=form,
        codes_left=two_factor.recovery_codes_left(current_user),
        required=two_factor.is_required(current_user),
    ), status


@bp.route("/compte/double-authentification/codes-de-secours", methods=["POST"])
@login_required
def renew_recovery_codes():
    form = EnrolmentCodeForm()
    if not two_factor.is_enabled(current_user):
        return redirect(url_for("accounts.two_factor_settings"))
    if not _confirmed_by_code(form):
        return _settings_page(form, 422)
    codes = two_factor.replace_recovery_codes(current_user._get_current_object())
    db.session.commit()
    flash("Vos nouveaux codes de secours remplacent les anciens.", "success")
    return _codes_page(codes)


@bp.route("/compte/double-authentification/desactivation", methods=["POST"])
@login_required
def turn_off_two_factor():
    """For learners only: staff cannot go without (no button; a forged request gets 403)."""
    form = EnrolmentCodeForm()
    if two_factor.is_required(current_user):
        abort(403)
    if not two_factor.is_enabled(current_user):
        return redirect(url_for("accounts.two_factor_settings"))
    if not _confirmed_by_code(form):
        return _settings_page(form, 422)
    user = current_user._get_current_object()
    two_factor.turn_off(user, user)
    db.session.commit()
    flash("La double authentification est désactivée.", "info")
    return redirect(url_for("accounts.profile"))
