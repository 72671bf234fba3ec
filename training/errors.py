"""French error pages for the HTTP errors a user can meet; JSON errors under /api/."""

import json
import math
import time
from collections.abc import Iterable
from contextlib import suppress

import sqlalchemy as sa
from flask import Flask, Response, current_app, render_template, request
from flask.globals import request_ctx
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from training.extensions import db, limiter
from training.request_log import request_id

MESSAGES = {
    400: ("Requête incorrecte", "La demande n'a pas pu être traitée. Revenez à la page "
          "précédente, rechargez-la et réessayez."),
    403: ("Accès refusé", "Vous n'avez pas accès à cette page avec votre compte."),
    404: ("Page non trouvée", "La page que vous cherchez est introuvable. L'adresse est peut-être "
          "erronée ou la page a été déplacée."),
    405: ("Méthode non autorisée", "Cette action n'est pas possible sur cette page."),
    410: ("Document retiré", "Ce document a été retiré et ne peut plus être obtenu."),
    413: ("Envoi trop volumineux", "Le contenu envoyé dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Vous avez fait trop de tentatives en peu de temps. Pour protéger "
          "les comptes, patientez quelques minutes avant de réessayer."),
    500: ("Erreur inattendue", "Une erreur est survenue de notre côté. Réessayez dans quelques "
          "instants ; si le problème persiste, contactez l'équipe de la plateforme."),
    503: ("Service momentanément indisponible", "Ce service est momentanément indisponible. "
          "Réessayez dans quelques instants ; si le problème persiste, contactez l'équipe de la "
          "plateforme."),
}  # fmt: skip

#: Paths whose errors are JSON: the API's clients are programs, not people reading a page.
API_PREFIX = "/api/"
API_ERRORS = {
    400: ("bad_request", "La requête est incorrecte."),
    401: ("unauthorized", "Jeton d'accès manquant, inconnu ou révoqué : envoyez l'en-tête "
          "« Authorization: Bearer <jeton> » avec un jeton actif, créé depuis « Mon compte »."),
    403: ("forbidden", "Accès refusé : le titulaire de ce jeton n'a pas, ou plus, le rôle "
          "d'observateur ou d'administrateur."),
    404: ("not_found", "Cette adresse n'existe pas dans l'API : les adresses disponibles sont "
          "décrites dans /api/v1/openapi.json."),
    405: ("method_not_allowed", "Cette méthode HTTP n'est pas acceptée à cette adresse : l'API "
          "ne répond qu'aux requêtes GET."),
    429: ("too_many_requests", "Trop de requêtes en peu de temps : patientez avant de "
          "réessayer (l'en-tête Retry-After donne le délai en secondes)."),
    500: ("internal_error", "Une erreur inattendue est survenue de notre côté. Réessayez dans "
          "quelques instants ; si le problème persiste, contactez l'équipe de la plateforme."),
    503: ("service_unavailable", "Le service est momentanément indisponible. Réessayez dans "
          "quelques instants."),
}  # fmt: skip
#: Headers of an HTTP error that an API client needs (the HTML pages do without them).
API_ERROR_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")
#: The database errors that mean "not now" rather than a bug: the server is down, restarting or
#: unreachable, the connection dropped, the pool has no connection free (with SQLite, a missing
#: file or a lock too).
DATABASE_UNAVAILABLE = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
#: Seconds after which a client may try again when the database does not answer.
RETRY_AFTER_UNAVAILABLE = 30


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def api_error(
    status: int,
    message: str | None = None,
    code: str | None = None,
    headers: Iterable[tuple[str, str]] = (),
) -> Response:
    """`{"error": {"code", "message"}}`: a stable code for programs, a French message for
    people; never stored by a cache."""
    default_code, default_message = API_ERRORS.get(status, API_ERRORS[500])
    body = {"error": {"code": code or default_code, "message": message or default_message}}
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype="application/json"
    )
    for name, value in headers:
        if name in API_ERROR_HEADERS:
            response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


def render_error(status: int, detail: str | None = None, links: Iterable[tuple[str, str]] = ()):
    """The French error page; `links` are (label, URL) pairs offered before the home page."""
    if is_api_request():
        return api_error(status, detail)
    title, message = MESSAGES.get(status, MESSAGES[500])
    return render_template(
        "errors/error.html",
        status=status,
        title=title,
        message=detail or message,
        links=list(links),
        request_id=request_id(),
    ), status


def service_unavailable() -> Response:
    """The 503 page, asking to come back in RETRY_AFTER_UNAVAILABLE seconds (JSON under /api/).

    Built without the database, which is what is missing: a page of its own, without the
    header of the others, which shows who is logged in, and rendered without the context
    processors, since Flask-Login's loads the logged-in user from the database."""
    retry_after = ("Retry-After", str(RETRY_AFTER_UNAVAILABLE))
    if is_api_request():
        return api_error(503, headers=[retry_after])
    title, message = MESSAGES[503]
    template = current_app.jinja_env.get_template("errors/unavailable.html")
    page = template.render(title=title, message=message, request_id=request_id())
    response = current_app.make_response((page, 503))
    response.headers.set(*retry_after)
    response.headers["Cache-Control"] = "no-store"
    return response


def minutes_until_retry() -> int | None:
    """Whole minutes, rounded up, until the rate limit this request hit lets it through again;
    None when no limit was hit in this request."""
    hit = limiter.current_limit
    if hit is None or not hit.breached:
        return None
    return max(1, math.ceil((hit.window.reset_time - time.time()) / 60))


def too_many_attempts_message() -> str:
    """The 429 page's message, with the wait when it is known."""
    minutes = minutes_until_retry()
    if minutes is None:
        return MESSAGES[429][1]
    return (
        "Vous avez fait trop de tentatives en peu de temps. Pour protéger les comptes, les "
        f"tentatives sont suspendues : réessayez dans {minutes} minute{'s' if minutes > 1 else ''}."
    )


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400,
            "Le formulaire a expiré ou n'a pas pu être vérifié. Rechargez la page et réessayez : "
            "rien n'a été enregistré.",
        )

    @app.errorhandler(SecurityError)
    def untrusted_host(_error: SecurityError):
        """A Host outside TRUSTED_HOSTS is refused before routing, which leaves the request
        without the URL adapter the page's links are built with: one on a trusted host."""
        if request_ctx.url_adapter is None:
            trusted = app.config["TRUSTED_HOSTS"] or ["localhost"]
            request_ctx.url_adapter = app.url_map.bind(
                trusted[0].lstrip("."),
                script_name=request.script_root or "/",
                url_scheme=request.scheme,
            )
        return render_error(400)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if is_api_request():
            return api_error(error.code or 500, headers=error.get_headers())
        if error.code == 429:
            return render_error(429, too_many_attempts_message())
        return render_error(error.code or 500)

    def database_unavailable(error: Exception):
        """A 503, not the 500 of a bug: the request may well succeed in a moment."""
        app.logger.error("Database unavailable", exc_info=error)
        with suppress(sa.exc.SQLAlchemyError):
            db.session.rollback()
        return service_unavailable()

    for error_class in DATABASE_UNAVAILABLE:
        app.register_error_handler(error_class, database_unavailable)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return render_error(500)
