"""Entry point for gunicorn and `flask --app wsgi`: production settings unless APP_ENV says
otherwise (see config.config_from_environment)."""

from training import create_app

app = create_app()
