"""Target populations (admins only): entered one by one or imported from a CSV file."""

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.accounts import services as accounts
from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.accounts.models import Profession, Role, Territory
from training.csv_upload import CsvProblem
from training.extensions import db
from training.monitoring import bp, target_csv
from training.monitoring import targets as services
from training.monitoring.models import TargetPopulation
from training.monitoring.target_forms import TargetForm, TargetImportForm
from training.numbers import french_number


@bp.route("/admin/populations-cibles")
@roles_required(Role.ADMIN)
def targets():
    """Every target population, with links to add, edit and import them."""
    return render_template(
        "monitoring/targets.html",
        items=services.list_targets(),
        french_number=french_number,
    )


@bp.route(
    "/admin/populations-cibles/nouvelle", methods=["GET", "POST"], defaults={"target_id": None}
)
@bp.route("/admin/populations-cibles/<int:target_id>", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def target(target_id: int | None):
    """Add or edit a target population."""
    item = db.get_or_404(TargetPopulation, target_id) if target_id else None
    form = TargetForm(obj=item)
    form.load_reference_choices(keep=item)
    if form.validate_on_submit():
        try:
            services.save_target(
                item,
                territory=db.session.get(Territory, form.territory_id.data),
                profession=db.session.get(Profession, form.profession_id.data),
                population=form.population.data,
                source=form.source.data,
                year=form.year.data,
                actor=current_user,
            )
        except services.TargetError as error:
            form.profession_id.errors.append(str(error))
        else:
            db.session.commit()
            flash("La population cible est enregistrée.", "success")
            return redirect(url_for("monitoring.targets"))
    return render_template("monitoring/target.html", form=form, item=item), (
        422 if form.errors else 200
    )


@bp.route("/admin/populations-cibles/<int:target_id>/supprimer", methods=["POST"])
@roles_required(Role.ADMIN)
def delete_target(target_id: int):
    """Delete a target population (POST with the CSRF token)."""
    item = db.get_or_404(TargetPopulation, target_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name = f"{item.territory.name}, {item.profession.name}"
    services.delete_target(item, current_user)
    db.session.commit()
    flash(f"La population cible « {name} » est supprimée.", "success")
    return redirect(url_for("monitoring.targets"))


@bp.route("/admin/populations-cibles/import", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def import_targets():
    """Import target populations from a CSV file: every line, or none if one is wrong."""
    form = TargetImportForm()
    problems: list[CsvProblem] = []
    if form.validate_on_submit():
        try:
            text = target_csv.decode_csv(form.file.data.read(target_csv.MAX_CSV_BYTES + 1))
            result = services.import_targets_csv(text, current_user)
        except target_csv.TargetImportError as error:
            problems = error.problems
        else:
            db.session.commit()
            flash(result.describe(), "success")
            return redirect(url_for("monitoring.targets"))
    return render_template(
        "monitoring/targets_import.html",
        form=form,
        problems=problems,
        territories=accounts.offered_territories(),
        professions=accounts.offered_professions(),
    ), (422 if form.errors or problems else 200)


@bp.route("/admin/populations-cibles/modele.csv")
@roles_required(Role.ADMIN)
def targets_template():
    """A model file to fill in: the header and two example lines."""
    return Response(
        target_csv.example_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="populations-cibles-modele.csv"'},
    )
