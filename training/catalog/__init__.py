"""The catalogue: course list by profession, course page, enrolment."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from training.catalog import views  # noqa: E402, F401
