"""Entry point for gunicorn and `flask --app wsgi`: production settings unless APP_ENV says
otherwise (see config.config_from_environment), and the process's logging (JSON_LOGS)."""

from config import config_from_environment
from training import create_app
from training.request_log import configure_logging

config_class = config_from_environment()
configure_logging(json_logs=config_class.JSON_LOGS)
app = create_app(config_class)
