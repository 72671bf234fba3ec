"""Learning: the lesson player, progress, quizzes and grading, « Mon parcours »."""

from flask import Blueprint

bp = Blueprint("learning", __name__)

from training.learning import scenario_views, views  # noqa: E402, F401
