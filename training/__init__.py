"""The training platform: a Flask application built by create_app()."""

import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from config import Config, config_from_environment
from training.extensions import csrf, db, limiter, login_manager


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_from_environment()
    if hasattr(config_class, "validate"):
        config_class.validate()
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_templates(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_request_checks(app)
    register_request_log(app)
    register_access_control(app)
    register_static_files(app)
    if app.config["PROXY_COUNT"]:
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    logging.basicConfig(level=logging.INFO)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    if not served_by_gunicorn():
        register_migrations(app)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"

    from training.accounts.session_views import load_user

    login_manager.user_loader(load_user)


def served_by_gunicorn() -> bool:
    """Whether this process is a gunicorn worker (its master exports SERVER_SOFTWARE).

    A web worker never migrates the database; Flask-Migrate would load alembic and mako into
    it, 12 MB held by every worker for its whole life.
    """
    return os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")


def register_migrations(app: Flask) -> None:
    """`flask db` and flask_migrate's functions (tests and benchmarks call upgrade())."""
    from flask_migrate import Migrate

    directory = Path(app.root_path).parent / "migrations"
    Migrate(app, db, directory=str(directory), compare_type=True, render_as_batch=True)


def register_blueprints(app: Flask) -> None:
    from training import (
        accounts,
        admin,
        assets,
        authoring,
        catalog,
        certificates,
        content,
        demo,
        health,
        jobs,
        learning,
        monitoring,
        pages,
        privacy,
        sessions,
    )

    app.register_blueprint(pages.bp)
    app.register_blueprint(accounts.bp)
    app.register_blueprint(catalog.bp)
    app.register_blueprint(learning.bp)
    app.register_blueprint(privacy.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(demo.bp)
    app.register_blueprint(content.bp)
    app.register_blueprint(monitoring.bp)
    app.register_blueprint(sessions.bp)
    app.register_blueprint(authoring.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(jobs.bp)
    app.register_blueprint(assets.bp)


def register_templates(app: Flask) -> None:
    from training.navigation import navigation_links
    from training.timeutils import french_date, french_datetime

    app.jinja_env.filters["french_date"] = french_date
    app.jinja_env.filters["french_datetime"] = french_datetime
    app.jinja_env.globals["navigation_links"] = navigation_links
    app.jinja_env.globals["service_name"] = app.config["SERVICE_NAME"]
    app.jinja_env.globals["service_tagline"] = app.config["SERVICE_TAGLINE"]


def register_error_handlers(app: Flask) -> None:
    from training.errors import register_error_handlers as register

    register(app)


def register_security_headers(app: Flask) -> None:
    from training.security_headers import register_security_headers as register

    register(app)


def register_request_checks(app: Flask) -> None:
    from training.request_checks import refuse_control_characters_in_path

    app.before_request(refuse_control_characters_in_path)


def register_static_files(app: Flask) -> None:
    from training.assets.serving import register_static_files as register

    register(app)


def register_request_log(app: Flask) -> None:
    from training.request_log import register_request_log as register

    register(app)


def register_access_control(app: Flask) -> None:
    from training.accounts.access import enforce_access
    from training.accounts.session_views import resume_login_session

    app.before_request(resume_login_session)
    app.before_request(enforce_access)
