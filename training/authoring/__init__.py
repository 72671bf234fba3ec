"""Trainers' space: the courses they author, their review notes and preview (views.py), and
the web editor (editor_views.py): drafts (drafts.py), publishing (publishing.py), version
history and diffs (history.py), and who may edit a course (authors.py); the course settings
(settings.py, settings_views.py), the plan of modules and steps (structure.py,
structure_views.py), the quiz editor and GIFT (quizzes.py, quiz_forms.py, quiz_actions.py,
quiz_views.py), and zip archives (archives.py, archive_views.py)."""

from flask import Blueprint

bp = Blueprint("authoring", __name__, url_prefix="/formateur")

from training.authoring import (  # noqa: E402, F401
    archive_views,
    cli,
    editor_views,
    models,
    quiz_views,
    settings_views,
    structure_views,
    views,
)
