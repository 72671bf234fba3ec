"""Certificate pages: public verification, the holder's downloads, the published key.

Who may call what:
- anyone: the verification page and form (rate-limited per address), the public key;
- a logged-in user: the PDF and the Open Badge of their own certificates; a trainer: of the
  participants of their own sessions of that course; an admin: of any certificate
  (services.certificate_to_download decides; anyone else gets 404).
"""

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user

from training.accounts.access import login_required, public
from training.certificates import bp, codes, services, signing
from training.certificates.forms import VerificationForm
from training.certificates.open_badges import JWT_MEDIA_TYPE
from training.errors import render_error
from training.extensions import limiter

verification_limit = limiter.shared_limit(
    lambda: current_app.config["CERTIFICATE_VERIFICATION_LIMIT"],
    scope="certificate-verification",
    # Only lookups count: not the empty form, and not a redirection to the canonical page
    # (the page it leads to counts), so that a code typed in the form counts once.
    exempt_when=lambda: (
        request.endpoint == "certificates.verify_form" and "code" not in request.args
    ),
    deduct_when=lambda response: response.status_code not in (301, 303),
)


@bp.after_request
def never_indexed(response: Response) -> Response:
    """Certificate pages and files name people: search engines must not list them."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.errorhandler(429)
def too_many_verifications(_error):
    return render_error(
        429,
        "Vous avez vérifié beaucoup de codes en peu de temps. Patientez une minute avant de "
        "réessayer.",
    )


# --- public verification ------------------------------------------------------------------


@bp.route("/verifier")
@verification_limit
@public
def verify_form():
    """Type a certificate's code; a valid one leads to its verification page."""
    form = VerificationForm(request.args)
    if "code" not in request.args:
        return _uncached(render_template("certificates/verify_form.html", form=form))
    if form.validate():
        try:
            code = codes.normalise_code(form.code.data)
        except codes.InvalidCodeError as error:
            form.code.errors.append(str(error))
        else:
            if services.find_by_code(code) is not None:
                return redirect(url_for("certificates.verify", code=code), 303)
            return _not_found(form, code)
    return _uncached(render_template("certificates/verify_form.html", form=form), 422)


@bp.route("/verifier/<code>")
@verification_limit
@public
def verify(code: str):
    """The public status of one certificate: the QR code's target."""
    try:
        canonical = codes.normalise_code(code)
    except codes.InvalidCodeError as error:
        form = VerificationForm(data={"code": code})
        form.code.errors = [str(error)]
        return _uncached(render_template("certificates/verify_form.html", form=form), 404)
    if canonical != code:
        return redirect(url_for("certificates.verify", code=canonical), 301)
    certificate = services.find_by_code(canonical)
    if certificate is None:
        return _not_found(VerificationForm(data={"code": canonical}), canonical)
    return _uncached(
        render_template(
            "certificates/verify.html",
            certificate=certificate,
            status=services.status_of(certificate),
        )
    )


def _not_found(form: VerificationForm, code: str):
    return _uncached(
        render_template("certificates/verify_form.html", form=form, unknown_code=code), 404
    )


def _uncached(body: str, status: int = 200) -> Response:
    """A revocation must show at once: no cache keeps an earlier status."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- the holder's downloads ---------------------------------------------------------------


def _certificate_to_download(code: str):
    try:
        certificate = services.certificate_to_download(current_user, code)
    except services.RevokedCertificateError as error:
        abort(make_response(render_error(410, str(error))))
    return certificate or abort(404)


def _signed(render):
    """The document, or a French 503 when the signing key cannot be read."""
    try:
        return render()
    except signing.KeyFileError as error:
        current_app.logger.error("Certificate signing key unavailable: %s", error)
        abort(
            make_response(
                render_error(
                    503,
                    "Les attestations ne peuvent pas être produites pour le moment. "
                    "Réessayez plus tard ; si le problème persiste, contactez l'équipe de la "
                    "plateforme.",
                )
            )
        )


def _attachment(body: bytes | str, media_type: str, filename: str) -> Response:
    response = make_response(body)
    response.headers["Content-Type"] = media_type
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/attestations/<code>.pdf")
@login_required
def pdf(code: str):
    """The signed PDF, drawn now (never stored)."""
    certificate = _certificate_to_download(code)
    document = _signed(lambda: services.certificate_pdf(certificate))
    return _attachment(document, "application/pdf", f"attestation-{certificate.code}.pdf")


@bp.route("/attestations/<code>/open-badge.jwt")
@login_required
def open_badge(code: str):
    """The Open Badges 3.0 credential, signed as a VC-JWT, to add to a digital wallet."""
    certificate = _certificate_to_download(code)
    token = _signed(lambda: services.open_badge_jwt(certificate))
    return _attachment(token, JWT_MEDIA_TYPE, f"attestation-{certificate.code}-open-badge.jwt")


# --- the published key --------------------------------------------------------------------


def _published(response: Response) -> Response:
    response.headers["Cache-Control"] = "public, max-age=3600"
    # Badge verifiers running in a browser fetch the key set from other origins.
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.route(signing.PUBLIC_KEY_PEM_PATH)
@public
def public_key_pem():
    """The public key (PEM) that verifies certificates offline (docs/verifier-une-attestation)."""
    pem = _signed(services.published_public_key_pem)
    return _published(make_response(pem, 200, {"Content-Type": "text/plain; charset=utf-8"}))


@bp.route(signing.CERTIFICATE_PEM_PATH)
@public
def certificate_pem():
    """The X.509 certificate of the PDFs' document signature, for a PDF reader to trust."""
    pem = _signed(services.published_certificate_pem)
    return _published(make_response(pem, 200, {"Content-Type": "application/x-pem-file"}))


@bp.route(signing.JWKS_PATH)
@public
def jwks():
    """The same key as a JWK Set, named by the `kid` of the Open Badges."""
    return _published(jsonify(_signed(services.published_jwks)))
