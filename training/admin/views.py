"""Administration of accounts (admins only): search, role, deactivation, confirmation link."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts import login_sessions, services, two_factor
from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.accounts.mails import send_confirmation_link
from training.accounts.models import Role, User
from training.admin import bp
from training.admin.forms import AccountFilterForm, RoleForm
from training.catalog.services import enrolments_with_progress
from training.certificates.services import certificates_of
from training.extensions import db


@bp.route("/comptes")
@roles_required(Role.ADMIN)
def accounts():
    """Search, filter and page through accounts."""
    professions, territories = services.list_professions(), services.list_territories()
    form = AccountFilterForm(request.args)
    form.load_choices(professions, territories)
    filters = services.UserFilter()
    if form.validate():
        filters = services.UserFilter(
            query=form.q.data or "",
            role=form.role.data or "",
            territory_id=form.territory.data,
            profession_id=form.profession.data,
        )
    page = request.args.get("page", 1, type=int)
    pagination = services.search_users(filters, page, current_app.config["ACCOUNTS_PER_PAGE"])
    return render_template("admin/accounts.html", form=form, pagination=pagination)


@bp.route("/comptes/<int:user_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def account(user_id: int):
    """One account: who it is, its trainings and certificates, the form that changes its role,
    and the buttons that deactivate it or send its confirmation link again."""
    user = db.get_or_404(User, user_id)
    form = RoleForm(role=user.role)
    if form.validate_on_submit():
        try:
            services.change_role(current_user, user, Role(form.role.data))
        except services.AccountError as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"Le rôle de {user.full_name} est maintenant « {user.role_enum.label} ».", "success"
            )
            return redirect(url_for("admin.account", user_id=user.id))
    return render_template(
        "admin/account.html",
        user=user,
        form=form,
        button_form=EmptyForm(),
        enrolments=enrolments_with_progress(user),
        certificates=certificates_of(user),
    ), (422 if form.errors else 200)


def _posted_account(user_id: int) -> User:
    """The account a button posts about, once its CSRF token is checked."""
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return user


@bp.route("/comptes/<int:user_id>/desactivation", methods=["POST"])
@roles_required(Role.ADMIN)
def deactivate_account(user_id: int):
    """Deactivate an account: no more log-in, open sessions end; its data stays."""
    user = _posted_account(user_id)
    try:
        services.deactivate_user(current_user, user)
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(
            f"Le compte de {user.full_name} est désactivé : il ne permet plus de se connecter. "
            "Ses formations et ses attestations sont conservées.",
            "success",
        )
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/comptes/<int:user_id>/double-authentification", methods=["POST"])
@roles_required(Role.ADMIN)
def reset_two_factor(user_id: int):
    """Forget someone's second factor (lost phone and recovery codes): they enrol again after
    their password at the next log-in. Not one's own: another admin does it."""
    user = _posted_account(user_id)
    if user.id == current_user.id:
        abort(403)
    two_factor.turn_off(user, current_user)
    login_sessions.lock_sessions_of(user)
    login_sessions.end_all_sessions(user)
    db.session.commit()
    flash(
        f"La double authentification de {user.full_name} est réinitialisée : "
        "elle l'activera de nouveau à sa prochaine connexion.",
        "success",
    )
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/comptes/<int:user_id>/reactivation", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate_account(user_id: int):
    """Let a deactivated account log in again."""
    user = _posted_account(user_id)
    try:
        services.reactivate_user(current_user, user)
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"Le compte de {user.full_name} est réactivé.", "success")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.route("/comptes/<int:user_id>/confirmation", methods=["POST"])
@roles_required(Role.ADMIN)
def resend_confirmation(user_id: int):
    """Send an unconfirmed account its confirmation link again."""
    user = _posted_account(user_id)
    try:
        services.record_confirmation_resent(current_user, user)
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        if send_confirmation_link(user):
            db.session.commit()
            flash(f"Un nouveau lien de confirmation a été envoyé à {user.email}.", "success")
        else:
            db.session.rollback()
            flash("L'envoi a échoué. Réessayez dans quelques minutes.", "error")
    return redirect(url_for("admin.account", user_id=user.id))


@bp.app_template_global()
def role_label(role: str) -> str:
    return Role(role).label
