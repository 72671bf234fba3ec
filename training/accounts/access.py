"""Deny-by-default authorisation: every view states who may call it.

A view without `@public`, `@login_required`, `@roles_required(...)` or `@token_required(...)`
answers 403 to everyone, and a test walks the URL map to make sure no view was forgotten.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized

from training.accounts import two_factor
from training.accounts.models import Role, User

View = TypeVar("View", bound=Callable)


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[Role] = frozenset()
    #: API views only: finds the caller from an `Authorization: Bearer` token (None for an
    #: unknown or revoked one); the session cookie is then ignored.
    find_token_owner: Callable[[str], User | None] | None = None


def _declare(rule: AccessRule) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


public = _declare(AccessRule(public=True))
login_required = _declare(AccessRule())


def roles_required(*roles: Role) -> Callable[[View], View]:
    return _declare(AccessRule(roles=frozenset(roles)))


def token_required(
    find_token_owner: Callable[[str], User | None], *roles: Role
) -> Callable[[View], View]:
    """An API view: the caller is the owner of the `Authorization: Bearer <token>` token, as
    found by `find_token_owner`, and must hold one of `roles`; the view reads it in
    `g.api_user`.

    The session cookie is ignored: a logged-in browser without a token gets 401, so that a
    page elsewhere cannot make a person's browser call the API with their cookie. No token,
    an unknown or revoked one, or one whose owner's account is deactivated: 401 with
    `WWW-Authenticate: Bearer`; a valid token whose owner no longer holds the role: 403.

    The token is checked when the view is called, not before the request like the other
    rules, so that a rate limit decorating the view counts refused calls too.
    """
    rule = AccessRule(roles=frozenset(roles), find_token_owner=find_token_owner)

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def checked(*args, **kwargs):
            _enforce_token(rule)
            return view(*args, **kwargs)

        return _declare(rule)(checked)  # type: ignore[return-value]

    return decorator


def access_rule_of(endpoint: str | None) -> AccessRule | None:
    view = current_app.view_functions.get(endpoint or "")
    return getattr(view, "access_rule", None)


def enforce_access():
    """Run before every request: static files and public views pass, the rest need a user."""
    if request.endpoint is None or request.endpoint == "static":
        return None
    rule = access_rule_of(request.endpoint)
    if rule is None:
        abort(403)
    if rule.find_token_owner is not None:
        return None  # checked by the view's own wrapper (token_required)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=_return_after_log_in()))
    if request.endpoint not in SECOND_FACTOR_ENROLMENT and _must_enrol_second_factor():
        flash(
            "Votre rôle donne accès aux données d'autres personnes : activez la double "
            "authentification pour continuer.",
            "warning",
        )
        return redirect(url_for("accounts.two_factor_settings"))
    if rule.roles and not current_user.has_role(*rule.roles):
        abort(403)
    return None


#: What a member of staff without a second factor may still open: enrolling, logging out.
SECOND_FACTOR_ENROLMENT = frozenset({"accounts.two_factor_settings", "accounts.logout"})


def _must_enrol_second_factor() -> bool:
    """Staff log in with a second factor: one who has none yet (new in the role, or reset by
    an admin) enrols before anything behind the log-in (accounts.two_factor)."""
    return two_factor.is_required(current_user) and not two_factor.is_enabled(current_user)


def _return_after_log_in() -> str | None:
    """Where the log-in leads back: the page asked for; for a form posted once the session had
    expired, the page the form was on (its address cannot be opened with GET)."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    page = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return page if is_safe_next(page) else None


def _enforce_token(rule: AccessRule) -> None:
    authorization = request.authorization
    token = authorization.token if authorization and authorization.type == "bearer" else None
    user = rule.find_token_owner(token) if token else None
    if user is None or not user.is_active:
        raise Unauthorized(www_authenticate=WWWAuthenticate("bearer", {"realm": "api"}))
    if rule.roles and not user.has_role(*rule.roles):
        abort(403)
    g.api_user = user


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no `//` or `/\\` read as a host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
