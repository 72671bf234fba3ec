"""Courses as zip archives in the trainers' space: a draft or a published version downloaded,
an archive uploaded as a new draft (archives.py does the work, checked as `flask courses
import-zip` checks an archive)."""

from pathlib import PurePosixPath

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from training.accounts.access import roles_required
from training.authoring import archives, bp, drafts
from training.authoring.editor_views import AUTHORS, authored_course, editable_draft
from training.authoring.upload_forms import ZipImportForm
from training.content import services as content
from training.content.archive import MAX_ARCHIVE_BYTES
from training.content.problems import Problem
from training.extensions import db


def _zip_response(data: bytes, filename: str) -> Response:
    return Response(
        data,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-cache",
        },
    )


@bp.route("/brouillons/<slug>/archive.zip")
@roles_required(*AUTHORS)
def draft_zip(slug: str):
    """The draft's files as a zip in the course file format, as they stand (errors and all)."""
    draft = editable_draft(slug)
    data = archives.draft_zip(draft, current_user)
    return _zip_response(data, f"{draft.slug}-brouillon-revision-{draft.revision}.zip")


@bp.route("/formations/<slug>/versions/<int:number>/archive.zip")
@roles_required(*AUTHORS)
def version_zip(slug: str, number: int):
    """Version `number` as a zip in the course file format, as `flask courses export-zip`."""
    authored_course(slug)
    version = content.find_version(slug, number) or abort(404)
    return _zip_response(content.export_course_zip(version), f"{slug}-version-{number}.zip")


@bp.route("/formations/importer-zip", methods=["GET", "POST"])
@roles_required(*AUTHORS)
def import_zip():
    """Make a draft from a course's zip archive, checked as `flask courses import-zip` checks
    it: an archive refused, or a course with an error, creates nothing."""
    form = ZipImportForm()
    problems: list[Problem] = []
    refusal = None
    status = 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            draft = archives.import_zip_draft(
                upload.read(MAX_ARCHIVE_BYTES + 1),
                PurePosixPath(upload.filename or "archive.zip").name,
                current_user,
            )
        except archives.ArchiveImportError as refused:
            db.session.rollback()
            problems, refusal, status = refused.problems, str(refused), 422
        except drafts.DraftPermissionError:
            db.session.rollback()
            abort(403)
        except drafts.DraftError as error:
            db.session.rollback()
            refusal, status = str(error), 422
        else:
            db.session.commit()
            flash(
                f"L'archive est importée dans le brouillon « {draft.slug} » : relisez-le, puis"
                " publiez-le.",
                "success",
            )
            return redirect(url_for("authoring.draft", slug=draft.slug))
    elif form.errors:
        status = 422
    return render_template(
        "authoring/import_zip.html", form=form, problems=problems, refusal=refusal
    ), status
