"""Certificates: public codes, the signed PDF, offline verification and Open Badges 3.0."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, cli_group="certificates")

from training.certificates import admin_views, cli, views  # noqa: E402, F401
