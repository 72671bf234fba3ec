"""The indicators as a JSON API (`/api/v1/`), for monitors' own tools, and its OpenAPI document.

Same query string and same figures as the dashboard (views.report_for_request); callers are
named by a personal token (tokens.py), never by the session cookie. Errors are JSON with a
French message (training.errors, for every path under /api/).
"""

import json
from urllib.parse import urlsplit

from flask import current_app, request, url_for
from flask_limiter.util import get_remote_address

from training.accounts.access import public, token_required
from training.certificates.services import paris_today
from training.errors import api_error
from training.extensions import db, limiter
from training.monitoring import bp, tokens
from training.monitoring.api_schema import (
    INVALID_FILTER,
    indicators_response,
    openapi_document,
)
from training.monitoring.filters import Choices
from training.monitoring.indicators import suppression_rule
from training.monitoring.views import report_for_request
from training.urls import site_root


def rate_limit_key() -> str:
    """Per active token, so that a tool's allowance does not depend on where it runs; per
    address otherwise, made-up tokens included (else each would buy a fresh allowance). The
    hash, so that no token is kept in the limiter's store."""
    authorization = request.authorization
    token = authorization.token if authorization and authorization.type == "bearer" else None
    if token and tokens.is_active_token(token):
        return "api-token:" + tokens.hash_token(token)
    return "api-address:" + get_remote_address()


def _api_rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


#: One allowance shared by every API address (`scope`).
api_limit = limiter.limit(_api_rate_limit, key_func=rate_limit_key, scope="api")


def _json(body: str):
    response = current_app.response_class(body, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/api/v1/indicators")
@api_limit
@token_required(tokens.user_for_token, *tokens.API_ROLES)
def api_indicators():
    """The indicators of the cut named by the query string, as the dashboard shows them."""
    db.session.commit()  # the token's last use, noted by user_for_token
    choices, report, error = report_for_request()
    if report is None:
        return api_error(400, error, code=INVALID_FILTER)
    return _json(indicators_response(report, choices).model_dump_json())


@bp.route("/api/v1/openapi.json")
@api_limit
@public
def api_openapi():
    """The OpenAPI 3.1 document of the API, generated from the models that build its answers
    (public: it holds no figures, only the codes the filters accept)."""
    today = paris_today()
    site = urlsplit(site_root())
    document = openapi_document(
        Choices.load(today),
        today,
        server_url=f"{site.scheme}://{site.netloc}",
        paths={
            "indicators": url_for("monitoring.api_indicators"),
            "openapi": url_for("monitoring.api_openapi"),
        },
        suppression_rule=suppression_rule(current_app.config["MONITORING_SMALL_COUNT_THRESHOLD"]),
    )
    return _json(json.dumps(document, ensure_ascii=False))
