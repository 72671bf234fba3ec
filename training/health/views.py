"""The probes: public, read-only, never cached, no session."""

from functools import partial

from flask import Response, current_app, jsonify

from training.accounts.access import public
from training.extensions import db
from training.health import bp
from training.health.checks import OK, check_database, check_redis, run_checks


def _probe(body: dict, status: int) -> Response:
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
@public
def healthz():
    """The process answers; nothing else is checked, so that a database or Redis outage
    never gets healthy workers restarted."""
    return _probe({"status": "ok"}, 200)


@bp.route("/readyz")
@public
def readyz():
    """Ready for traffic: the database answers `SELECT 1` and, when REDIS_URL is set, Redis
    answers PING, each within a second. 503 otherwise, naming what failed."""
    checks = {"database": partial(check_database, db.engine)}
    if redis_url := current_app.config.get("REDIS_URL"):
        checks["redis"] = partial(check_redis, redis_url)
    statuses = run_checks(checks)
    failed = [name for name, status in statuses.items() if status != OK]
    if failed:
        return _probe({"status": "unavailable", "checks": statuses, "failed": failed}, 503)
    return _probe({"status": "ok", "checks": statuses}, 200)
