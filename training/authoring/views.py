"""The trainers' pages: courses, their authors, « Points à valider » and the preview of a step.

The preview mirrors the course folder under /formateur/formations/<slug>/apercu/, like the
learners' pages do under /formations/<slug>/, so that links between steps and images written
by trainers work as rendered (see content/renderer.py).
"""

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from training.accounts import services as accounts
from training.accounts.access import roles_required
from training.accounts.forms import EmptyForm
from training.accounts.models import Role
from training.authoring import authors, bp, drafts, forms, services
from training.content import services as content
from training.extensions import db

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


@bp.route("/formations/<slug>/auteurs")
@roles_required(*AUTHORS)
def authors_page(slug: str):
    """The course's owners and co-authors; an admin adds and removes co-authors here."""
    return _authors_page(_newest_version(slug), forms.CoAuthorForm())


@bp.route("/formations/<slug>/auteurs", methods=["POST"])
@roles_required(Role.ADMIN)
def add_author(slug: str):
    """Make a trainer, named by their account's address, a co-author of the course."""
    version = _newest_version(slug)
    form = forms.CoAuthorForm()
    if form.validate_on_submit():
        try:
            author = authors.add_co_author_by_email(version.course, form.email.data, current_user)
        except authors.AuthorError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                f"{author.user.full_name} figure maintenant parmi les autrices et auteurs de la"
                " formation.",
                "success",
            )
            return redirect(url_for("authoring.authors_page", slug=slug))
    return _authors_page(version, form, 422)


@bp.route("/formations/<slug>/auteurs/retirer", methods=["POST"])
@roles_required(Role.ADMIN)
def remove_author(slug: str):
    """Take an author off the course (a course that has an owner keeps one)."""
    version = _newest_version(slug)
    form = forms.RemoveCoAuthorForm()
    if not form.validate_on_submit():
        abort(400)
    user = accounts.get_user(form.user_id.data) or abort(404)
    try:
        authors.remove_co_author(version.course, user, current_user)
    except authors.AuthorError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"{user.full_name} ne peut plus modifier la formation.", "success")
    return redirect(url_for("authoring.authors_page", slug=slug))


def _authors_page(version, form: forms.CoAuthorForm, status: int = 200):
    return render_template(
        "authoring/authors.html",
        version=version,
        authors=authors.course_authors(version.course),
        form=form,
        remove_form=forms.RemoveCoAuthorForm(),
        is_admin=current_user.has_role(Role.ADMIN),
    ), status


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
