"""Public pages: home, help, legal notice, privacy notice, accessibility statement, guides."""

from flask import Blueprint

bp = Blueprint("pages", __name__)

from training.pages import views  # noqa: E402, F401
