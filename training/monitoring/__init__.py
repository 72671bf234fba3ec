"""Miprof's monitoring: the plan's indicators, from a summary kept in step with the raw data.

Nobody imports this package: it reads the changes other features note (training.events).
"""

from flask import Blueprint

bp = Blueprint("monitoring", __name__, cli_group="monitoring")

from training.monitoring import api, cli, export_views, summary, target_views, token_views, views  # noqa: E402, F401
