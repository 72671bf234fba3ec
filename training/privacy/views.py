"""« Mes données »: the page that explains, and the download."""

import json

from flask import Response, render_template
from flask_login import current_user

from training.accounts.access import login_required
from training.privacy import bp, services


@bp.route("/compte/mes-donnees")
@login_required
def my_data():
    """What the platform holds about me, and how to get a copy."""
    return render_template("privacy/my_data.html")


@bp.route("/compte/mes-donnees.json")
@login_required
def download_my_data():
    """My personal data as a JSON file (portable, readable)."""
    body = json.dumps(services.personal_data(current_user), ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="mes-donnees.json"',
            "Cache-Control": "private, no-store",
        },
    )
