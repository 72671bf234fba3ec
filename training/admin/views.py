"""Administration pages (admins only)."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts import services
from training.accounts.access import roles_required
from training.accounts.models import Profession, Role, Territory, User
from training.admin import bp
from training.admin.forms import AccountFilterForm, ProfessionForm, RoleForm, TerritoryForm
from training.audit.services import latest_events
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
    """One account, and the form that changes its role."""
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
    return render_template("admin/account.html", user=user, form=form), (
        422 if form.errors else 200
    )


@bp.route("/referentiels")
@roles_required(Role.ADMIN)
def reference_data():
    """Territories and professions, with links to edit them."""
    return render_template(
        "admin/reference_data.html",
        territories=services.list_territories(),
        professions=services.list_professions(),
    )


@bp.route("/territoires/nouveau", methods=["GET", "POST"], defaults={"territory_id": None})
@bp.route("/territoires/<int:territory_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def territory(territory_id: int | None):
    """Add or edit a territory."""
    item = db.get_or_404(Territory, territory_id) if territory_id else None
    form = TerritoryForm(obj=item)
    if item is not None:
        form.code.data = item.code
    if form.validate_on_submit():
        try:
            services.save_territory(
                item,
                name=form.name.data,
                code=form.code.data,
                is_pilot=form.is_pilot.data,
                actor=current_user,
            )
        except services.AccountError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash("Le territoire est enregistré.", "success")
            return redirect(url_for("admin.reference_data"))
    return render_template("admin/territory.html", form=form, item=item), (
        422 if form.errors else 200
    )


@bp.route("/professions/nouvelle", methods=["GET", "POST"], defaults={"profession_id": None})
@bp.route("/professions/<int:profession_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def profession(profession_id: int | None):
    """Add or edit a profession."""
    item = db.get_or_404(Profession, profession_id) if profession_id else None
    form = ProfessionForm(obj=item)
    if item is not None:
        form.code.data = item.code
    if form.validate_on_submit():
        try:
            services.save_profession(
                item, name=form.name.data, code=form.code.data, actor=current_user
            )
        except services.AccountError as error:
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash("La profession est enregistrée.", "success")
            return redirect(url_for("admin.reference_data"))
    return render_template("admin/profession.html", form=form, item=item), (
        422 if form.errors else 200
    )


@bp.route("/journal")
@roles_required(Role.ADMIN)
def audit_log():
    """The latest audit events."""
    return render_template("admin/audit_log.html", events=latest_events(200))


@bp.app_template_global()
def role_label(role: str) -> str:
    return Role(role).label
