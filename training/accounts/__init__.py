"""Accounts: sign-up, e-mail confirmation, log-in, passwords, profile, roles and reference data."""

from flask import Blueprint

bp = Blueprint("accounts", __name__, cli_group="users")

from training.accounts import cli, session_views, two_factor_views, views  # noqa: E402, F401
