"""Administration: accounts and roles, reference data (territories, professions), audit log."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from training.admin import audit_views, reference_views, views  # noqa: E402, F401
