"""Administration of certificates (admins only): search by code or holder, revoke."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.accounts.models import Role
from training.certificates import bp, codes, services
from training.certificates.forms import CertificateSearchForm, RevocationForm
from training.certificates.mails import send_revocation_notice
from training.certificates.models import Certificate
from training.extensions import db


@bp.route("/admin/attestations")
@roles_required(Role.ADMIN)
def admin_list():
    """Certificates, newest first, searched by code or holder's name."""
    form = CertificateSearchForm(request.args)
    query = (form.q.data or "") if form.validate() else ""
    page = request.args.get("page", 1, type=int)
    pagination = services.search_certificates(
        query, page, current_app.config["CERTIFICATES_PER_PAGE"]
    )
    return render_template(
        "certificates/admin_list.html",
        form=form,
        pagination=pagination,
        status_of=services.status_of,
    )


def _certificate_or_404(code: str) -> Certificate:
    try:
        return services.find_by_code(codes.normalise_code(code)) or abort(404)
    except codes.InvalidCodeError:
        abort(404)


@bp.route("/admin/attestations/<code>")
@roles_required(Role.ADMIN)
def admin_detail(code: str):
    """One certificate, its status, its downloads, and the way to revoke it."""
    certificate = _certificate_or_404(code)
    return render_template(
        "certificates/admin_detail.html",
        certificate=certificate,
        status=services.status_of(certificate),
    )


@bp.route("/admin/attestations/<code>/revocation", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def admin_revoke(code: str):
    """Say what revoking will do and ask for the reason (GET); revoke, then tell the holder by
    e-mail (POST)."""
    certificate = _certificate_or_404(code)
    form = RevocationForm()
    if form.validate_on_submit():
        try:
            services.revoke_certificate(certificate, current_user, form.reason.data)
        except services.CertificateError as error:
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"L'attestation {certificate.code} est révoquée : sa page de vérification "
                "l'indique dès maintenant.",
                "success",
            )
            if send_revocation_notice(certificate) is False:
                flash(
                    "Le courriel prévenant la personne titulaire n'a pas pu être envoyé : "
                    "prévenez-la par un autre moyen.",
                    "warning",
                )
            return redirect(url_for("certificates.admin_detail", code=certificate.code))
    return render_template(
        "certificates/admin_revoke.html",
        certificate=certificate,
        status=services.status_of(certificate),
        form=form,
    ), 422 if form.errors else 200
