"""Administration of the reference data (admins only): territories and professions, added,
renamed, retired from the forms and offered again."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.accounts import services
from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.accounts.models import Profession, Role, Territory
from training.admin import bp
from training.admin.forms import ProfessionForm, TerritoryForm
from training.extensions import db


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
    return render_template("admin/territory.html", form=form, item=item, button_form=EmptyForm()), (
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
    return render_template(
        "admin/profession.html", form=form, item=item, button_form=EmptyForm()
    ), (422 if form.errors else 200)


def _set_retired(item: Territory | Profession, retired: bool):
    """Retire or offer again, then back to the reference data (POST, with the CSRF token)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        if retired:
            services.retire_reference(item, current_user)
        else:
            services.reactivate_reference(item, current_user)
    except services.AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_retired_message(item, retired), "success")
    return redirect(url_for("admin.reference_data"))


def _retired_message(item: Territory | Profession, retired: bool) -> str:
    if isinstance(item, Territory):
        if retired:
            return (
                f"Le territoire « {item.name} » est retiré : il n'est plus proposé dans les "
                "formulaires, et les comptes et statistiques qui le mentionnent le conservent."
            )
        return f"Le territoire « {item.name} » est de nouveau proposé dans les formulaires."
    if retired:
        return (
            f"La profession « {item.name} » est retirée : elle n'est plus proposée dans les "
            "formulaires, et les comptes et statistiques qui la mentionnent la conservent."
        )
    return f"La profession « {item.name} » est de nouveau proposée dans les formulaires."


@bp.route("/territoires/<int:territory_id>/retrait", methods=["POST"])
@roles_required(Role.ADMIN)
def retire_territory(territory_id: int):
    """Stop offering a territory in forms; it stays in accounts and statistics."""
    return _set_retired(db.get_or_404(Territory, territory_id), retired=True)


@bp.route("/territoires/<int:territory_id>/reactivation", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate_territory(territory_id: int):
    """Offer a retired territory in forms again."""
    return _set_retired(db.get_or_404(Territory, territory_id), retired=False)


@bp.route("/professions/<int:profession_id>/retrait", methods=["POST"])
@roles_required(Role.ADMIN)
def retire_profession(profession_id: int):
    """Stop offering a profession in forms; it stays in accounts and statistics."""
    return _set_retired(db.get_or_404(Profession, profession_id), retired=True)


@bp.route("/professions/<int:profession_id>/reactivation", methods=["POST"])
@roles_required(Role.ADMIN)
def reactivate_profession(profession_id: int):
    """Offer a retired profession in forms again."""
    return _set_retired(db.get_or_404(Profession, profession_id), retired=False)
