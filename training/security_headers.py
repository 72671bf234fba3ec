"""HTTP headers that every response carries."""

from flask import Flask, Response, request
from flask_login import current_user

#: The DSFR needs inline styles in a few components; scripts come only from this site.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if _is_personal(response):
            response.headers["Cache-Control"] = "no-store"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
        return response


def _is_personal(response: Response) -> bool:
    """A response to a signed-in person that its view left to the default caching.

    Such a page must not stay in the browser's cache (nor any proxy's) for the next person on
    a shared computer. Static files are the same for everyone; a view that set its own
    Cache-Control (a course image kept privately for an hour) has chosen.
    """
    return (
        request.endpoint != "static"
        and "Cache-Control" not in response.headers
        # Not `is_authenticated`, which reads the account's deactivation again from the
        # database once the view has committed: only a live account is ever loaded as the
        # request's user (accounts.session_views), anyone else is the anonymous user.
        and not current_user.is_anonymous
    )
