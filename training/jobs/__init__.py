"""Background jobs on Redis with RQ: work that must not hold a request (sending mail).

`flask jobs worker` runs them. Without REDIS_URL (a developer without Redis, the tests) there is
no queue and the caller does the work itself, in the request, as before.
"""

from flask import Blueprint

bp = Blueprint("jobs", __name__, cli_group="jobs")

from training.jobs import cli  # noqa: E402, F401
