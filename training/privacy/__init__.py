"""Privacy (GDPR): a user's copy of their personal data (art. 15), the erasure of their account
(art. 17), and the retention of inactive accounts (art. 5-1-e)."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)

from training.privacy import cli, views  # noqa: E402, F401
