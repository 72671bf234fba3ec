"""Account pages: thin views over accounts.services."""

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from training.accounts import bp, services
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
from training.accounts.models import Profession, Territory, User
from training.accounts.tokens import InvalidTokenError, read_signup_invitation
from training.extensions import db, limiter
from training.mailer import send_email


def _login_account_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))


def _failed(response) -> bool:
    """Only failed attempts count against the per-account limit."""
    return response.status_code != 302


def _send_confirmation(user: User) -> bool:
    link = url_for(
        "accounts.confirm_email", token=services.email_confirmation_token(user), _external=True
    )
    return send_email(
        user.email, "Confirmez votre adresse électronique", "confirm_email", user=user, link=link
    )


@bp.route("/inscription", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SENSITIVE_FORM_LIMIT"], methods=["POST"])
@public
def signup():
    """Create a learner account, then send the confirmation link."""
    if current_user.is_authenticated:
        return redirect(url_for("pages.home"))
    invitation = read_signup_invitation(request.args.get("invitation"))
    form = SignupForm(data=_invited_fields(invitation))
    form.load_reference_choices()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data,
                full_name=form.full_name.data,
                password=form.password.data,
                profession=db.session.get(Profession, form.profession_id.data),
                territory=db.session.get(Territory, form.territory_id.data),
                organisation=form.organisation.data,
            )
        except services.AccountError as error:
            form.email.errors.append(str(error))
        else:
            if invitation and services.confirm_invited_email(user, invitation["email"]):
                db.session.commit()
                _start_session(user)
                flash("Votre compte est créé et votre adresse électronique confirmée.", "success")
                next_url = invitation.get("next")
                return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
            db.session.commit()
            _start_session(user)
            _send_confirmation(user)
            flash(
                f"Votre compte est créé. Un lien de confirmation a été envoyé à {user.email} : "
                "ouvrez-le pour pouvoir vous inscrire aux formations.",
                "success",
            )
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/signup.html", form=form), 422 if form.errors else 200


def _invited_fields(invitation: dict | None) -> dict | None:
    """The sign-up fields an invitation link prefills (see tokens.make_signup_invitation)."""
    if invitation is None:
        return None
    fields = ("email", "full_name", "profession_id", "territory_id")
    return {name: invitation.get(name) for name in fields}


def _start_session(user: User) -> None:
    """Drop whatever the anonymous session held, so a planted session cannot become this user's."""
    session.clear()
    login_user(user)
    session.permanent = True


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
    """Log in; the same message for an unknown e-mail and a wrong password."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            db.session.commit()
            _start_session(user)
            flash(f"Bonjour {user.full_name}, vous êtes connecté.", "success")
            return redirect(next_url if is_safe_next(next_url) else url_for("pages.home"))
        form.form_errors.append("Adresse électronique ou mot de passe incorrect.")
    return render_template("accounts/login.html", form=form), 422 if form.errors else 200


@bp.route("/deconnexion", methods=["POST"])
@login_required
def logout():
    """Log out (POST only, with the CSRF token, so that a link elsewhere cannot do it)."""
    if EmptyForm().validate_on_submit():
        logout_user()
        session.clear()
        flash("Vous êtes déconnecté.", "info")
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
    flash("Votre adresse électronique est confirmée.", "success")
    return redirect(
        url_for("accounts.profile" if current_user.is_authenticated else "accounts.login")
    )


@bp.route("/confirmation/renvoyer", methods=["POST"])
@limiter.limit(lambda: current_app.config["SENSITIVE_FORM_LIMIT"])
@login_required
def resend_confirmation():
    """Send the confirmation link again."""
    if EmptyForm().validate_on_submit() and not current_user.is_confirmed:
        if _send_confirmation(current_user):
            flash(f"Un nouveau lien a été envoyé à {current_user.email}.", "success")
        else:
            flash("L'envoi a échoué. Réessayez dans quelques minutes.", "error")
    return redirect(url_for("accounts.profile"))


@bp.route("/mot-de-passe-oublie", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["SENSITIVE_FORM_LIMIT"], methods=["POST"])
@public
def forgotten_password():
    """Ask for a reset link; the answer is the same whether or not the account exists."""
    form = ForgottenPasswordForm()
    if form.validate_on_submit():
        user = services.find_user_by_email(form.email.data)
        if user is not None:
            link = url_for(
                "accounts.reset_password",
                token=services.password_reset_token(user),
                _external=True,
            )
            send_email(
                user.email,
                "Réinitialisation de votre mot de passe",
                "reset_password",
                user=user,
                link=link,
            )
        flash(
            "Si un compte existe avec cette adresse, un lien valable une heure vient d'y être "
            "envoyé.",
            "info",
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgotten_password.html", form=form), (
        422 if form.errors else 200
    )


@bp.route("/mot-de-passe/nouveau/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    """Choose a new password from a reset link (valid one hour, once)."""
    try:
        services.user_for_password_reset(token)
    except InvalidTokenError as error:
        return _invalid_link(
            error,
            "Ce lien de réinitialisation a expiré : demandez-en un nouveau.",
            "Ce lien de réinitialisation n'est pas valide ou a déjà servi.",
        )
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = services.reset_password(token, form.password.data)
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
    form.load_reference_choices()
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
    """Change one's password; an e-mail tells the owner, other sessions end."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.current_password.data, form.password.data)
        except services.AccountError as error:
            form.current_password.errors.append(str(error))
        else:
            db.session.commit()
            _start_session(current_user._get_current_object())
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
