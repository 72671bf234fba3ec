"""Static pages of the service."""

from flask import render_template

from training.accounts.access import public
from training.pages import bp


@bp.route("/")
@public
def home():
    """Home page: what the platform is for, and where to start."""
    return render_template("pages/home.html")


@bp.route("/aide")
@public
def help_page():
    """Where to get help: emergency numbers and support lines, linked from every page."""
    return render_template("pages/help.html")


@bp.route("/mentions-legales")
@public
def legal_notice():
    """Legal notice."""
    return render_template("pages/legal_notice.html")


@bp.route("/donnees-personnelles")
@public
def privacy():
    """Privacy notice (GDPR information)."""
    return render_template("pages/privacy.html")


@bp.route("/accessibilite")
@public
def accessibility():
    """Accessibility statement (RGAA model)."""
    return render_template("pages/accessibility.html")
