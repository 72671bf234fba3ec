"""Trainers' space: the courses, their open review notes and a preview of each step.

Read-only in this first slice; the web editor, drafts and publishing come next.
"""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/formateur")

from training.authoring import views  # noqa: E402, F401
