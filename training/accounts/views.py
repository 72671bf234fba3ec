"""Account pages: thin views over accounts.services."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user

from training.accounts import bp, login_sessions, services, two_factor
from training.accounts.access import is_safe_next, login_required, public
from training.accounts.forms import (
    ChangePasswordForm,
    EmptyForm,
    ForgottenPasswordForm,
    LoginForm,
    ProfileForm,
    ResetPasswordForm,
    SignupForm,
)
from training.accounts.mails import send_confirmation_link
from training.accounts.models import Profession, Territory, User
from training.accounts.session_views import signed_out_elsewhere, start_session
from training.accounts.tokens import InvalidTokenError, read_signup_invitation
from training.accounts.two_factor_views import ask_second_factor
from training.errors import render_error, too_many_attempts_message
from training.extensions import db, limiter
from training.mailer import send_email
from training.urls import external_url


@bp.errorhandler(429)
def too_many_attempts(_error):
    """A locked-out log-in offers the way out of a forgotten password, with the wait."""
    links = []
    if request.endpoint == "accounts.login":
        links.append(("Mot de passe oublié", url_for("accounts.forgotten_password")))
    return render_error(429, too_many_attempts_message(), links)


def _login_account_key() -> str:
    """The per-account limit counts failed log-ins per account *and* client address.

    Counted per account alone, failures from anywhere added up: anyone could lock a known
    account out (ten wrong passwords for the administrator, from ten addresses, and the real
    administrator waited 15 minutes). Per (account, address), an attacker is slowed on that
    account at the addresses they use, while the owner, elsewhere, logs in; the per-address
    limit across all accounts (LOGIN_LIMIT_PER_ADDRESS) caps what each address tries in all.
    An attacker with many addresses gets LOGIN_LIMIT_PER_ACCOUNT guesses per address: against
    passwords of 12 characters or more, none of them common, that is not enough to matter, and
    it is the price of never locking the owner out (ASVS V2.2.1 asks for both).

    The address is the client's only if PROXY_COUNT counts the proxies in front of the app.
    """
    email = services.normalise_email(request.form.get("email", ""))
    return f"login-account:{email}|{get_remote_address()}"


def _failed(response) -> bool:
    """Only failed attempts count against the per-account limit."""
    return response.status_code != 302


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SENSITIVE_FORM_LIMIT"], methods=["POST"])
@public
def signup():
    """Create a learner account, then send the confirmation link.

    An address that already has an account gets the same answer, the « check your mailbox »
    page, and its owner an e-mail instead; nothing is created or changed (services.sign_up).
    Only a mailed invitation to that very address, which proves the mailbox, logs a new
    account in at once."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    invitation = read_signup_invitation(request.args.get("invitation"))
    form = SignupForm(data=_invited_fields(invitation))
    form.load_reference_choices()
    if form.validate_on_submit():
        try:
            user, created = services.sign_up(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                profession=db.session.get(Profession, form.profession_id.data),
                territory=db.session.get(Territory, form.territory_id.data),
                organisation=form.organisation.data,
            )
        except services.AccountError as error:
            form.password.errors.append(str(error))
        else:
            if created and invitation and services.confirm_invited_email(user, invitation["email"]):
                start_session(user)
                db.session.commit()
                flash("Votre compte est créé et votre adresse électronique confirmée.", "success")
                next_url = invitation.get("next")
                return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
            db.session.commit()
            if created:
                send_confirmation_link(user)
            else:
                _send_sign_up_notice(user)
            flash(f"Un message vient d'être envoyé à {user.email}.", "info")
            return redirect(url_for("accounts.check_mailbox"))
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


def _send_sign_up_notice(owner: User) -> bool:
    """Someone signed up with the address of an existing account: its owner, and only they,
    learn it, with the ways in (log in, or choose a new password)."""
    return send_email(
        owner.email,
        "Vous avez déjà un compte sur la plateforme",
        "sign_up_existing_account",
        user=owner,
        login_link=external_url("accounts.login"),
        reset_link=external_url(
            "accounts.reset_password", token=services.password_reset_token(owner)
        ),
    )


@bp.route("/inscription/message-envoye")
@public
def check_mailbox():
    """After a sign-up, whether or not the address already had an account: read the mail."""
    return render_template("accounts/check_mailbox.html")


def _invited_fields(invitation: dict | None) -> dict | None:
    """The sign-up fields an invitation link prefills (see tokens.make_signup_invitation)."""
    if invitation is None:
        return None
    fields = ("email", "full_name", "profession_id", "territory_id")
    return {name: invitation.get(name) for name in fields}


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    key_func=_login_account_key,
    methods=["POST"],
    deduct_when=_failed,
    scope="login-account",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], scope="login-address"
)
@public
def login():
    """Log in; the same message for an unknown e-mail and a wrong password. A deactivated
    account is told so, after the right password only. Failures are recorded in the audit
    log too (services.authenticate). An account with a second factor is asked for its code
    next (two_factor_views.second_factor) before any session opens."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except services.AccountDeactivatedError as error:
            db.session.commit()
            form.form_errors.append(str(error))
        else:
            if user is not None and two_factor.asks_code(user):
                db.session.commit()
                return ask_second_factor(user, next_url)
            if user is not None:
                start_session(user)
                db.session.commit()
                flash(f"Connexion réussie. Bonjour {user.full_name} !", "success")
                return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
            db.session.commit()
            form.form_errors.append("Adresse électronique ou mot de passe incorrect.")
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    """Log out (POST only, with the CSRF token, so that a link elsewhere cannot do it): the
    login session ends on the server, so that a copy of the cookie opens nothing afterwards."""
    if EmptyForm().validate_on_submit():
        login_sessions.end_current_session(current_user)
        db.session.commit()
        logout_user()
        session.clear()
        flash("Déconnexion réussie. À bientôt !", "info")
    return redirect(url_for("pages.home"))


def _invalid_link(error: InvalidTokenError, if_expired: str, otherwise: str):
    message = if_expired if error.expired else otherwise
    return render_template("accounts/link_invalid.html", message=message), 400


@bp.route("/confirmer/<token>")
@public
def confirm_email(token: str):
    """Follow the link sent at sign-up."""
    try:
        services.confirm_email(token)
    except InvalidTokenError as error:
        return _invalid_link(
            error, "Ce lien de confirmation a expiré.", "Ce lien de confirmation n'est pas valide."
        )
    db.session.commit()
    if current_user.is_authenticated:
        flash("Votre adresse électronique est confirmée.", "success")
        return redirect(url_for("accounts.profile"))
    flash("Votre adresse électronique est confirmée : vous pouvez vous connecter.", "success")
    return redirect(url_for("accounts.login"))


@bp.route("/confirmation/renvoyer", methods=["POST"])
@limiter.limit(lambda: current_app.config["SENSITIVE_FORM_LIMIT"])
@login_required
def resend_confirmation():
    """Send the confirmation link again, then go back to the page asked for (`next`: the
    course page a learner tried to enrol from) or to the profile."""
    if EmptyForm().validate_on_submit() and not current_user.is_confirmed:
        if send_confirmation_link(current_user):
            flash(f"Un nouveau lien a été envoyé à {current_user.email}.", "success")
        else:
            flash("L'envoi a échoué. Réessayez dans quelques minutes.", "error")
    next_url = request.args.get("next")
    return redirect(next_url if is_safe_next(next_url) else url_for("accounts.profile"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SENSITIVE_FORM_LIMIT"], methods=["POST"])
@public
def forgotten_password():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        _send_reset_link(form.email.data)
        flash(
            "Un message vient d'être envoyé à cette adresse. Si elle a un compte, il contient un "
            "lien valable une heure pour choisir un nouveau mot de passe.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgotten_password.html", form=form), (
        422 if form.errors else 200
    )


def _send_reset_link(email: str) -> bool:
    """The reset link to the account at `email`; to an address without one, a note saying so.

    One message either way: sending it is most of the work of the request, so that its delay
    does not tell which addresses have an account, and the person who asked learns why no
    link came (another address, perhaps)."""
    subject = "Réinitialisation de votre mot de passe"
    user = services.find_user_by_email(email)
    if user is None:
        link = external_url("accounts.signup")
        return send_email(
            services.normalise_email(email), subject, "reset_password_no_account", link=link
        )
    link = external_url("accounts.reset_password", token=services.password_reset_token(user))
    return send_email(user.email, subject, "reset_password", user=user, link=link)


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password from a reset link (valid one hour, once); every session of the
    account ends."""
    invalid = (
        "Ce lien de réinitialisation a expiré : demandez-en un nouveau.",
        "Ce lien de réinitialisation n'est pas valide ou a déjà servi.",
    )
    try:
        services.user_for_password_reset(token)
    except InvalidTokenError as error:
        return _invalid_link(error, *invalid)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = services.reset_password(token, form.password.data)
        except InvalidTokenError as error:  # used meanwhile by a simultaneous request
            db.session.rollback()
            return _invalid_link(error, *invalid)
        db.session.commit()
        logout_user()
        send_email(user.email, "Votre mot de passe a été modifié", "password_changed", user=user)
        flash("Votre mot de passe est modifié. Vous pouvez vous connecter.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_password.html", form=form), 422 if form.errors else 200


@bp.route("/compte", methods=["GET", "POST"])
@login_required
def profile():
    """See and edit one's own profile."""
    form = ProfileForm(obj=current_user)
    form.load_reference_choices(keep=current_user)
    if form.validate_on_submit():
        services.update_profile(
            current_user,
            full_name=form.full_name.data,
            profession=db.session.get(Profession, form.profession_id.data),
            territory=db.session.get(Territory, form.territory_id.data),
            organisation=form.organisation.data,
        )
        db.session.commit()
        flash("Votre profil est enregistré.", "success")
        return redirect(url_for("accounts.profile"))
    return render_template(
        "accounts/profile.html", form=form, resend_form=EmptyForm()
    ), 422 if form.errors else 200


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def change_password():
    """Change one's password; an e-mail tells the owner, every session ends, and this device
    gets a new one (so that a stolen copy of its cookie ends too)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except login_sessions.SessionEndedError:
            return signed_out_elsewhere()
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            start_session(current_user._get_current_object(), log_in=False)
            db.session.commit()
            send_email(
                current_user.email,
                "Votre mot de passe a été modifié",
                "password_changed",
                user=current_user,
            )
            flash("Votre mot de passe est modifié.", "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/change_password.html", form=form), (
        422 if form.errors else 200
    )
