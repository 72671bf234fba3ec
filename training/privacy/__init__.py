"""Privacy: a user's copy of the personal data the platform holds about them (GDPR, art. 15)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from training.privacy import views  # noqa: E402, F401
