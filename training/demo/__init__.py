"""`flask demo`: demo accounts (one per role) and whatever courses/ holds, for a first look."""

from flask import Blueprint

bp = Blueprint("demo", __name__, cli_group=None)

from training.demo import cli  # noqa: E402, F401
