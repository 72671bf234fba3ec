"""Deny-by-default authorisation: every view states who may call it.

A view without `@public`, `@login_required` or `@roles_required(...)` answers 403 to everyone,
and a test walks the URL map to make sure no view was forgotten.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, redirect, request, url_for
from flask_login import current_user

from training.accounts.models import Role

View = TypeVar("View", bound=Callable)


@dataclass(frozen=True)
class AccessRule:
    public: bool = False
    roles: frozenset[Role] = frozenset()


def _declare(rule: AccessRule) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorator


public = _declare(AccessRule(public=True))
login_required = _declare(AccessRule())


def roles_required(*roles: Role) -> Callable[[View], View]:
    return _declare(AccessRule(roles=frozenset(roles)))


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
    if rule.public:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    if rule.roles and not current_user.has_role(*rule.roles):
        abort(403)
    return None


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site: no scheme, no host, no `//` or `/\\` read as a host."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return False
    if "\\" in target or any(ord(char) < 32 for char in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc
