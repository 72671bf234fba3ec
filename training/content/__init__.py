"""Course content: file format, validation, safe Markdown rendering, versioned import and export.

No HTTP views here: other features call `training.content.services`; operators use the
`flask courses` commands.
"""

from flask import Blueprint

bp = Blueprint("content", __name__, cli_group="courses")

from training.content import cli  # noqa: E402, F401
