"""The trainers' pages: courses, « Points à valider » and the preview of a step.

The preview mirrors the course folder under /formateur/formations/<slug>/apercu/, like the
learners' pages do under /formations/<slug>/, so that links between steps and images written
by trainers work as rendered (see content/renderer.py).
"""

from flask import abort, make_response, render_template, request
from flask_login import current_user

from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.accounts.models import Role
from training.authoring import authors, bp, drafts, services
from training.content import services as content

AUTHORS = (Role.TRAINER, Role.ADMIN)


def _newest_version(slug: str):
    """The newest version of `slug`, if the current user is one of its authors (or an admin)."""
    version = content.latest_version(slug) or abort(404)
    if not authors.may_edit(current_user, version.course):
        abort(403)
    return version


@bp.route("/formations")
@roles_required(*AUTHORS)
def courses():
    """The courses the trainer authors (every course for an admin) with their open review notes,
    and the open drafts."""
    return render_template(
        "authoring/courses.html",
        overviews=services.course_overviews(current_user),
        drafts={draft.slug: draft for draft in drafts.drafts_of_author(current_user)},
        form=EmptyForm(),
        is_admin=current_user.has_role(Role.ADMIN),
    )


@bp.route("/formations/<slug>/points-a-valider")
@roles_required(*AUTHORS)
def review_notes(slug: str):
    """The course's open review notes, step by step, with where to find them in the files."""
    version = _newest_version(slug)
    return render_template(
        "authoring/review_notes.html",
        version=version,
        groups=services.review_notes_by_step(version),
    )


@bp.route("/formations/<slug>/apercu/<module_key>/<name>")
@roles_required(*AUTHORS)
def preview(slug: str, module_key: str, name: str):
    """A step of the newest version as trainers see it: review notes, answers and feedback."""
    version = _newest_version(slug)
    step = content.find_step(version, f"{module_key}/{name}") or abort(404)
    return render_template(
        "authoring/preview.html", version=version, preview=content.preview_step(version, step)
    )


@bp.route("/formations/<slug>/apercu/images/<path:filename>")
@roles_required(*AUTHORS)
def preview_image(slug: str, filename: str):
    """An image of the newest version, for the preview's relative image sources."""
    version = _newest_version(slug)
    asset = content.get_asset(version.id, f"images/{filename}") or abort(404)
    response = make_response(asset.data)
    response.headers["Content-Type"] = asset.content_type
    response.headers["Cache-Control"] = "private, no-cache"
    if asset.content_type == "image/svg+xml":
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'unsafe-inline'"
        )
    response.set_etag(asset.sha256)
    return response.make_conditional(request)
