"""Training sessions run by trainers: members, join codes, attendance and the progress table."""

from flask import Blueprint

bp = Blueprint("sessions", __name__, url_prefix="/sessions")

from training.sessions import follow_up_views, invitation_views, views  # noqa: E402, F401
