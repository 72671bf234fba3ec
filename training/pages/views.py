"""Static pages of the service."""

from flask import render_template
from flask_login import current_user

from training.accounts.access import public
from training.learning import services as learning
from training.pages import bp
from training.pages.documents import document_html
from training.shared_pages import render_for_anyone


@bp.route("/")
@public
def home():
    """Home page: what the platform is for, and where to start (or resume)."""
    resume = learning.course_to_resume(current_user) if current_user.is_authenticated else None
    return render_for_anyone("pages/home.html", resume=resume)


@bp.route("/aide")
@public
def help_page():
    """Where to get help: emergency numbers and support lines, linked from every page."""
    return render_for_anyone("pages/help.html")


@bp.route("/mentions-legales")
@public
def legal_notice():
    """Legal notice."""
    return render_for_anyone("pages/legal_notice.html")


@bp.route("/donnees-personnelles")
@public
def privacy():
    """Privacy notice (GDPR information)."""
    return render_for_anyone("pages/privacy.html")


@bp.route("/accessibilite")
@public
def accessibility():
    """Accessibility statement (RGAA model)."""
    return render_for_anyone("pages/accessibility.html")


@bp.route("/guides/verifier-une-attestation")
@public
def certificate_guide():
    """How anyone checks a certificate, online or offline: docs/verifier-une-attestation.md."""
    return render_template(
        "pages/certificate_guide.html", guide_html=document_html("verifier-une-attestation.md")
    )
