"""Serving the build: `url_for('static', ...)` gives fingerprinted names, WhiteNoise serves them.

Templates keep writing `url_for('static', filename='css/app.css')`: a URL-defaults function
swaps the name for the fingerprinted one, so no template has to know about the build.
"""

import logging
from pathlib import Path

from flask import Flask
from whitenoise import WhiteNoise

from training.assets.build import FINGERPRINT, read_manifest

log = logging.getLogger(__name__)


class StaticFiles(WhiteNoise):
    #: One year, the longest lifetime HTTP caches are asked to honour (RFC 9111 § 5.2.2.1
    #: leaves more to each cache), for names that change with their content.
    FOREVER = 365 * 24 * 60 * 60


def register_static_files(app: Flask) -> None:
    """With STATIC_FINGERPRINTS and a build in STATIC_BUILD_DIR, serve the build: the
    fingerprinted names for a year and immutable, the plain names for STATIC_MAX_AGE seconds.

    A name that is in no build (an unknown hash) goes on to Flask's static route, which
    answers 404."""
    if not app.config["STATIC_FINGERPRINTS"]:
        return
    build_dir = Path(app.config["STATIC_BUILD_DIR"])
    manifest = read_manifest(build_dir)
    if manifest is None:
        log.warning(
            "No static build in %s: static files are served without fingerprints; "
            "run `flask assets build` at each release.",
            build_dir,
        )
        return

    @app.url_defaults
    def fingerprinted_static_url(endpoint: str, values: dict) -> None:
        if endpoint == "static":
            values["filename"] = manifest.get(values.get("filename"), values.get("filename"))

    app.wsgi_app = StaticFiles(
        app.wsgi_app,
        root=build_dir,
        prefix=app.static_url_path,
        max_age=app.config["STATIC_MAX_AGE"],
        immutable_file_test=lambda _path, url: bool(FINGERPRINT.search(url)),
    )
