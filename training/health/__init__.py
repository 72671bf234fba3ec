"""Health probes for load balancers and orchestrators: /healthz (the process answers) and
/readyz (the database and Redis answer too)."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from training.health import views  # noqa: E402, F401
