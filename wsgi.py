"""Entry point for gunicorn and `flask --app wsgi`."""

from training import create_app

app = create_app()
