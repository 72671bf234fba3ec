"""Requests refused before any view runs: a path holding control characters."""

from flask import abort, request

from training.plain_text import has_control_characters


def refuse_control_characters_in_path() -> None:
    """No address of the site holds one: 404, before a view passes `%00` to the database
    (PostgreSQL refuses NUL in a string, which would be a 500)."""
    if has_control_characters(request.path):
        abort(404)
