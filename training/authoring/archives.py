"""Drafts and zip archives of the course file format: a draft downloaded as a zip, and a draft
made from an uploaded zip, checked exactly as `flask courses import-zip` checks it.

An archive written here imports back with `flask courses import-zip` (or this page) to the same
files; a refused archive writes nothing. Functions flush and never commit: the view commits once.
"""

from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import undefer

from training.accounts.models import Role, User
from training.authoring import authors
from training.authoring.drafts import (
    DraftError,
    DraftPermissionError,
    add_draft,
    find_draft,
    image_path,
    markdown_path,
    require_may_edit,
)
from training.authoring.models import CourseDraft, DraftAsset
from training.content.archive import course_zip, read_zipped_course
from training.content.files import IMAGE_TYPES
from training.content.models import Course
from training.content.problems import Problem
from training.content.services import latest_version
from training.extensions import db


class ArchiveImportError(DraftError):
    """An archive refused, nothing written: every problem found, as `flask courses import-zip`
    lists them (paths inside the archive, messages in French)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        count = sum(problem.is_error for problem in problems)
        super().__init__(
            f"L'archive est refusée ({count} erreur{'s' if count > 1 else ''}) : aucun brouillon"
            " n'a été créé."
        )


def draft_zip(draft: CourseDraft, user: User) -> bytes:
    """The draft's files (Markdown and images) as a zip holding the folder `<slug>/`, laid out
    as `flask courses export-zip` lays out a version, errors and all: it is the trainer's work."""
    require_may_edit(user, draft)
    assets = db.session.scalars(
        sa.select(DraftAsset)
        .where(DraftAsset.draft_id == draft.id)
        .options(undefer(DraftAsset.data))
    ).all()
    files = {path: text.encode("utf-8") for path, text in draft.files.items()}
    files.update({asset.path: asset.data for asset in assets})
    return course_zip(draft.slug, files)


def import_zip_draft(data: bytes, name: str, user: User) -> CourseDraft:
    """A draft holding the course of the zip `data` (uploaded as `name`), read and checked as
    `flask courses import-zip` does, with its files as the archive holds them.

    A course not published yet becomes a new course's draft, which `user` will own once it is
    published; a published course that `user` may edit gets a draft to publish as its next
    version. Raises, having written nothing: ArchiveImportError for an archive refused (a
    dangerous entry, an error in a course file…); DraftError when the slug is another author's
    course or already has an open draft; DraftPermissionError unless `user` is a trainer or an
    admin.
    """
    if not user.has_role(Role.TRAINER, Role.ADMIN):
        raise DraftPermissionError("Seuls les formateurs et les administrateurs créent des cours.")
    zipped, problems = read_zipped_course(data, name)
    if zipped is None:
        raise ArchiveImportError(problems)
    slug = zipped.course.slug
    for path in zipped.texts:
        markdown_path(path)
    for path in zipped.images:
        image_path(path)
    course = db.session.scalar(sa.select(Course).where(Course.slug == slug))
    if course is not None and not authors.may_edit(user, course):
        raise DraftError(
            f"La formation « {slug} » est déjà publiée et vous n'en êtes pas autrice ou auteur :"
            " demandez à l'une de ses autrices ou l'un de ses auteurs de vous ajouter, ou changez"
            " le nom court (slug) du cours de l'archive."
        )
    if find_draft(slug) is not None:
        raise DraftError(
            f"Un brouillon « {slug} » est déjà ouvert : publiez-le ou abandonnez-le avant"
            " d'importer une archive de cette formation."
        )
    version = latest_version(slug) if course is not None else None
    draft = CourseDraft(
        course_id=course.id if course is not None else None,
        slug=slug,
        files=dict(zipped.texts),
        base_version_id=version.id if version is not None else None,
        created_by_id=user.id,
        updated_by_id=user.id,
        assets=[
            DraftAsset(path=path, content_type=IMAGE_TYPES[Path(path).suffix.lower()], data=image)
            for path, image in zipped.images.items()
        ],
    )
    if add_draft(draft) is not draft:
        raise DraftError(
            f"Un brouillon « {slug} » vient d'être ouvert par une autre personne : rien n'a été"
            " importé."
        )
    return draft
