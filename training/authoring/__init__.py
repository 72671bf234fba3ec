"""Trainers' space: the courses they author, their review notes and preview (views.py), and
the web editor (editor_views.py): drafts (drafts.py), publishing (publishing.py), version
history and diffs (history.py), and who may edit a course (authors.py)."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/formateur")

from training.authoring import cli, editor_views, models, views  # noqa: E402, F401
