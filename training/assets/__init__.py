"""Static assets in production: fingerprinted, compressed copies served by WhiteNoise.

`flask assets build` writes them (see build.py); serving.py points `url_for('static', ...)` at
them and puts WhiteNoise in front of the application. Without a build (development, tests),
Flask serves training/static as it is.
"""

from flask import Blueprint

bp = Blueprint("assets", __name__, cli_group="assets")

from training.assets import cli  # noqa: E402, F401
