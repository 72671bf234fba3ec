"""« Mes données »: the page that explains, and the download."""

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user, logout_user

from training.accounts.access import login_required
from training.accounts.passwords import verify_password
from training.certificates.services import certificates_of
from training.extensions import db
from training.privacy import bp, erasure, services
from training.privacy.forms import KEEP, EraseAccountForm


@bp.route("/compte/mes-donnees")
@login_required
def my_data():
    """What the platform holds about me, and how to get a copy."""
    return render_template("privacy/my_data.html")


@bp.route("/compte/mes-donnees.json")
@login_required
def download_my_data():
    """My personal data as a JSON file (portable, readable)."""
    body = json.dumps(services.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="mes-donnees.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/compte/suppression", methods=["GET", "POST"])
@login_required
def erase_account():
    """Delete my account for good: what goes, what stays, and my certificates' fate."""
    form = EraseAccountForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        if not verify_password(user.password_hash, form.password.data):
            form.password.errors.append("Le mot de passe est incorrect.")
        else:
            try:
                erasure.erase_account(
                    user, keep_certificates=form.certificates.data == KEEP, actor=user
                )
            except erasure.ErasureError as error:
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                logout_user()
                flash("Votre compte est supprimé. Merci d'avoir suivi ces formations.", "success")
                return redirect(url_for("pages.home"))
    return render_template(
        "privacy/erase_account.html", form=form, certificates=certificates_of(user)
    ), 422 if form.errors or form.form_errors else 200
