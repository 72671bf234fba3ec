"""Request ids and the log: one JSON line per request on standard output, in production.

Each request gets an id, returned in the X-Request-ID header and printed on error pages, so
that a person can quote it and an operator find the request's log line (and the traceback of
a 500, which carries the same id).

What a line holds, and why nothing more: the id, the method, the route (the URL rule, such as
`/verifier/<code>`, never the path itself, which carries certificate codes and the tokens of
e-mailed links), the status and the duration. No query string (search terms, names), no IP
address, no e-mail address, no user id: even hashed, an id is pseudonymous personal data (the
accounts table turns it back into a person), and a request log kept for weeks has no need of
who made a request to measure and debug the service. The audit log says who did what.
"""

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("training.requests")

#: A request id from the load balancer is kept only if it looks like one: letters, digits,
#: dots, dashes and underscores, 8 to 128 of them; anything else (a line break forging a log
#: line, markup for the error page) is replaced by an id of our own.
WELL_FORMED_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,127}")
REQUEST_ID_HEADER = "X-Request-ID"


def request_id() -> str:
    """The current request's id, made on first use."""
    if "request_id" not in g:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        trusted = current_app.config["TRUST_REQUEST_ID_HEADER"]
        if trusted and WELL_FORMED_REQUEST_ID.fullmatch(incoming):
            g.request_id = incoming
        else:
            g.request_id = uuid.uuid4().hex
    return g.request_id


class _StandardOutput(logging.StreamHandler):
    """A handler writing to whatever sys.stdout is when a record comes (gunicorn's, a test's
    capture), rather than to the one there was when the application was made."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        """StreamHandler sets it in __init__; the property above answers instead."""


class _RequestIdFilter(logging.Filter):
    """Adds the request id to every record logged during a request (a 500's traceback too)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = request_id()
        return True


def json_handler() -> logging.Handler:
    handler = _StandardOutput()
    handler.name = "training-json"
    handler.setFormatter(
        JsonFormatter(
            "{levelname}{name}{message}",
            style="{",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp="time",
        )
    )
    handler.addFilter(_RequestIdFilter())
    return handler


def configure_logging(*, json_logs: bool) -> None:
    """For a process (wsgi.py, so gunicorn and every `flask` command): with JSON_LOGS, every
    record as one JSON line on standard output, in place of any other handler; otherwise left
    to create_app's plain text on standard error.

    Not done by create_app, which tests call many times in one process: logging belongs to the
    process, not to an application object."""
    if not json_logs:
        return
    root = logging.getLogger()
    root.handlers = [json_handler()]
    root.setLevel(logging.INFO)


def register_request_log(app: Flask) -> None:
    def start_request() -> None:
        g.request_started = time.perf_counter()
        request_id()

    # First of all the before-request functions: those before it (the rate limiter's) may end
    # the request, which would then go unlogged and unnumbered.
    app.before_request_funcs.setdefault(None, []).insert(0, start_request)

    @app.after_request
    def log_request(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        if app.config["JSON_LOGS"]:
            started = g.get("request_started")
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "route": request.url_rule.rule if request.url_rule else None,
                    "status": response.status_code,
                    "duration_ms": (
                        round((time.perf_counter() - started) * 1000, 1) if started else None
                    ),
                },
            )
        return response
