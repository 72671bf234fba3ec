"""Drafts: a course's files edited in the browser, opened, changed and checked.

A draft is the course folder kept in the database (Markdown files as text, images as rows).
It is read by writing it to a temporary folder read by the same code as `flask courses check`
(and published, by publishing.py, through the importer of `flask courses import`), so that the
web editor and the files are two views of one content. Saves are guarded by the draft's
revision (optimistic locking): a save made on an older revision is refused and writes nothing.

Every function checks that the user may edit the course, flushes and never commits: the view
commits once.
"""

import dataclasses
import re
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import undefer

from training.accounts.models import Role, User
from training.audit.services import record_event
from training.authoring import authors
from training.authoring.models import CourseAuthor, CourseDraft, DraftAsset
from training.content.archive import MAX_ENTRIES, MAX_UNPACKED_BYTES
from training.content.exporter import file_text, version_files
from training.content.fiche import FICHE_FILE
from training.content.files import IMAGE_TYPES, MAX_FILE_BYTES, check_image, size_problem
from training.content.models import Course
from training.content.parsed import ParsedCourse
from training.content.parser import IMAGES_FOLDER, MAX_SLUG_LENGTH, SLUG
from training.content.problems import Problem
from training.content.services import latest_version
from training.content.validation import known_audience_codes, known_course_slugs, load_catalogue
from training.extensions import db
from training.timeutils import french_datetime, utcnow

#: A file or folder name in a course: what the parser accepts, without hidden files, spaces or
#: anything a path could use to leave the course folder.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
COURSE_FILE = "course.md"
MODULE_FILE = "module.md"
_LAYOUT_HINT = (
    "un fichier du cours est course.md, fiche-reflexe.md, ou un fichier .md dans le dossier"
    " d'un module (par exemple 01-introduction/module.md ou 01-introduction/01-premiere-etape.md)"
)


class DraftError(Exception):
    """A change of a draft refused, having written nothing; the message, in French, is for the
    trainer."""


class DraftPermissionError(DraftError):
    """The user may not edit this course or draft (a view answers 403)."""


class StaleDraftError(DraftError):
    """Someone changed the draft since the author loaded it: the author's change is not saved."""

    @classmethod
    def since(cls, draft: CourseDraft, user: User) -> "StaleDraftError":
        """The error for `user`, naming who changed `draft` (as the database holds it) and when."""
        if draft.updated_by_id == user.id:
            who = "vous-même (dans un autre onglet ou une autre fenêtre)"
        elif draft.updated_by is not None:
            who = draft.updated_by.full_name
        else:
            who = "un autre auteur"
        return cls(
            f"Ce brouillon a été modifié par {who} le {french_datetime(draft.updated_at)} :"
            " rechargez la page pour voir la version actuelle. Votre modification n'a pas été"
            " enregistrée : copiez-la avant de recharger."
        )


# --- Opening ---------------------------------------------------------------------------------


def open_draft(course_slug: str, user: User) -> CourseDraft:
    """The open draft of the course `course_slug`, or a new one holding the files of its newest
    version (as `flask courses export` writes them) and its images.

    At most one draft per course, even when two authors open it at the same moment: the second
    gets the first's draft. Raises DraftError for an unknown course, DraftPermissionError if
    `user` may not edit it.
    """
    course = db.session.scalar(sa.select(Course).where(Course.slug == course_slug))
    version = latest_version(course_slug) if course is not None else None
    if course is None or version is None:
        raise DraftError(f"Formation introuvable : « {course_slug} ».")
    if not authors.may_edit(user, course):
        raise DraftPermissionError("Vous n'êtes pas auteur de cette formation.")
    existing = find_draft(course.slug)
    if existing is not None:
        if existing.course_id != course.id:
            raise DraftError(
                f"Un brouillon de nouvelle formation porte déjà le nom court « {course.slug} » :"
                " il doit être abandonné avant de modifier la formation publiée."
            )
        return existing
    files = version_files(version)
    draft = CourseDraft(
        course_id=course.id,
        slug=course.slug,
        files=dict(files.texts),
        base_version_id=version.id,
        created_by_id=user.id,
        updated_by_id=user.id,
        assets=[
            DraftAsset(path=path, content_type=image.content_type, data=image.data)
            for path, image in files.images.items()
        ],
    )
    return add_draft(draft)


def new_course_draft(slug: str, title: str, user: User) -> CourseDraft:
    """A draft for a course not published yet: a course.md, one module and one lesson, which
    check without error and carry a review note asking to complete them (so that a placeholder
    is not published by mistake). `user` becomes the course's owner when it is published.

    Raises DraftPermissionError unless `user` is a trainer or an admin; DraftError for an
    invalid slug or title, or a slug already taken by a course or a draft.
    """
    if not user.has_role(Role.TRAINER, Role.ADMIN):
        raise DraftPermissionError("Seuls les formateurs et les administrateurs créent des cours.")
    slug = slug.strip()
    title = " ".join(title.split())
    if not SLUG.match(slug) or len(slug) > MAX_SLUG_LENGTH:
        raise DraftError(
            f"Nom court invalide : {MAX_SLUG_LENGTH} caractères au plus, lettres minuscules sans"
            " accent, chiffres et tirets (par exemple traite-et-sante)."
        )
    if not title:
        raise DraftError("Donnez un titre à la formation.")
    if db.session.scalar(sa.select(sa.exists().where(Course.slug == slug))):
        raise DraftError(
            f"Une formation porte déjà le nom court « {slug} » : choisissez-en un autre."
        )
    if find_draft(slug) is not None:
        raise DraftError(
            f"Un brouillon porte déjà le nom court « {slug} » : choisissez-en un autre."
        )
    draft = CourseDraft(
        slug=slug,
        files=_starter_files(slug, title),
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    return add_draft(draft)


def _starter_files(slug: str, title: str) -> dict[str, str]:
    course = {
        "slug": slug,
        "title": title,
        "summary": "À compléter : ce que les professionnels sauront faire après la formation.",
        "audiences": sorted(known_audience_codes()),
        "estimated_minutes": 10,
        "pass_mark": 80,
    }
    presentation = (
        "Présentez la formation : à qui elle s'adresse et ce qu'elle apporte.\n\n"
        "::: a-valider Avant la première publication\n"
        "Complétez le résumé (summary), les publics (audiences) et la durée (estimated_minutes),"
        " remplacez les textes d'exemple, puis retirez ce point.\n"
        ":::"
    )
    lesson = {"kind": "lesson", "title": "Première étape", "estimated_minutes": 5}
    return {
        COURSE_FILE: file_text(course, presentation),
        f"01-introduction/{MODULE_FILE}": file_text(
            {"title": "Introduction"}, "Ce que ce module présente."
        ),
        "01-introduction/01-premiere-etape.md": file_text(
            lesson, "## Première étape\n\nÉcrivez ici le contenu de la leçon."
        ),
    }


def add_draft(draft: CourseDraft) -> CourseDraft:
    """Insert `draft`; if another request inserted the draft of that course or slug first, that
    draft (the unique constraints decide), or DraftError."""
    try:
        with db.session.begin_nested():
            db.session.add(draft)
    except IntegrityError:
        existing = find_draft(draft.slug)
        if existing is None or existing.course_id != draft.course_id or draft.course_id is None:
            raise DraftError(
                f"Un brouillon porte déjà le nom court « {draft.slug} » : choisissez-en un autre."
            ) from None
        return existing
    return draft


def find_draft(slug: str) -> CourseDraft | None:
    return db.session.scalar(sa.select(CourseDraft).where(CourseDraft.slug == slug))


def drafts_of_author(user: User) -> list[CourseDraft]:
    """The open drafts `user` may edit, by slug: every draft for an admin; for a trainer, the
    drafts of the courses they author and the new courses they started."""
    query = sa.select(CourseDraft).order_by(CourseDraft.slug)
    if user.has_role(Role.ADMIN):
        return list(db.session.scalars(query))
    if not user.has_role(Role.TRAINER):
        return []
    authored = sa.select(CourseAuthor.course_id).where(CourseAuthor.user_id == user.id)
    return list(
        db.session.scalars(
            query.where(
                sa.or_(
                    CourseDraft.course_id.in_(authored),
                    sa.and_(CourseDraft.course_id.is_(None), CourseDraft.created_by_id == user.id),
                )
            )
        )
    )


def may_edit_draft(user: User | None, draft: CourseDraft) -> bool:
    """Whether `user` may change, check and publish `draft`: the course's authors and admins;
    for a new course, the trainer who started it and admins."""
    if draft.course is not None:
        return authors.may_edit(user, draft.course)
    if user is None or not user.is_authenticated:
        return False
    if user.has_role(Role.ADMIN):
        return True
    return user.has_role(Role.TRAINER) and draft.created_by_id == user.id


def require_may_edit(user: User, draft: CourseDraft) -> None:
    if not may_edit_draft(user, draft):
        raise DraftPermissionError("Vous n'êtes pas auteur de cette formation.")


# --- Changing --------------------------------------------------------------------------------


def markdown_path(path: str) -> str:
    """`path` if a Markdown file of a course may be there (course.md, the fiche réflexe, or a
    .md file in a module folder); else DraftError. What the file is called beyond that
    (numbering) is the checker's business, reported with the parser's messages."""
    parts = path.split("/")
    if path in (COURSE_FILE, FICHE_FILE):
        return path
    valid = (
        len(parts) == 2
        and all(_NAME.match(part) and ".." not in part for part in parts)
        and parts[0][:1].isdigit()
        and parts[1].endswith(".md")
    )
    if not valid:
        raise DraftError(f"Chemin refusé : « {path} » ; {_LAYOUT_HINT}.")
    return path


def image_path(path: str) -> str:
    """`path` if an image of a course may be there ("images/<name>.<png, jpg…>"); else
    DraftError."""
    parts = path.split("/")
    valid = (
        len(parts) == 2
        and parts[0] == IMAGES_FOLDER
        and _NAME.match(parts[1]) is not None
        and ".." not in parts[1]
        and Path(parts[1]).suffix.lower() in IMAGE_TYPES
    )
    if not valid:
        kinds = ", ".join(sorted({suffix[1:] for suffix in IMAGE_TYPES}))
        raise DraftError(
            f"Chemin d'image refusé : « {path} » ; une image est dans le dossier images, nommée"
            f" de lettres sans accent, de chiffres et de tirets (formats permis : {kinds})."
        )
    return path


def save_file(
    draft: CourseDraft, path: str, text: str, expected_revision: int, user: User
) -> CourseDraft:
    """Write the Markdown file `path` (new or changed) into the draft and bump its revision.

    Line endings become "\\n" (browsers send "\\r\\n"). Raises StaleDraftError, writing nothing,
    if the draft is no longer at `expected_revision` (another author, or another tab, saved
    since); DraftError for a path outside the course layout or a file over 1 MB.
    """
    require_may_edit(user, draft)
    markdown_path(path)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    size = len(text.encode("utf-8"))
    if size > MAX_FILE_BYTES:
        raise DraftError(f"{path} : {size_problem(Path(path), size).message}.")
    if path not in draft.files:
        _check_room(draft, added_bytes=0)
    _bump(draft, expected_revision, user, files={**draft.files, path: text})
    return draft


def delete_file(draft: CourseDraft, path: str, expected_revision: int, user: User) -> CourseDraft:
    """Take the Markdown file `path` out of the draft and bump its revision. course.md cannot
    be deleted. Raises StaleDraftError as `save_file` does."""
    require_may_edit(user, draft)
    markdown_path(path)
    if path == COURSE_FILE:
        raise DraftError("course.md ne peut pas être supprimé : il décrit la formation.")
    if path not in draft.files:
        raise DraftError(f"Le fichier « {path} » n'existe pas dans ce brouillon.")
    files = {name: text for name, text in draft.files.items() if name != path}
    _bump(draft, expected_revision, user, files=files)
    return draft


def replace_files(
    draft: CourseDraft, files: Mapping[str, str], expected_revision: int, user: User
) -> CourseDraft:
    """Make `files` the draft's Markdown files (several renamed, changed, added or removed at
    once) and bump its revision once: one change for the history and for the other authors.

    Each path and text passes the checks of `save_file`; course.md stays. Raises
    StaleDraftError, writing nothing, as `save_file` does.
    """
    require_may_edit(user, draft)
    if COURSE_FILE not in files:
        raise DraftError("course.md ne peut pas être supprimé : il décrit la formation.")
    cleaned = {}
    for path, text in files.items():
        markdown_path(path)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        size = len(text.encode("utf-8"))
        if size > MAX_FILE_BYTES:
            raise DraftError(f"{path} : {size_problem(Path(path), size).message}.")
        cleaned[path] = text
    if len(cleaned) > len(draft.files):
        _check_room(draft, added_bytes=0, added_entries=len(cleaned) - len(draft.files))
    _bump(draft, expected_revision, user, files=cleaned)
    return draft


def save_asset(
    draft: CourseDraft, path: str, data: bytes, expected_revision: int, user: User
) -> DraftAsset:
    """Add or replace the image `path` ("images/<name>") and bump the draft's revision.

    The image passes the parser's checks before anything is written: at most 1 MB, bytes that
    match the extension (which alone sets the content type), no script nor external reference
    in an SVG. Raises StaleDraftError as `save_file` does; DraftError for a refused image.
    """
    require_may_edit(user, draft)
    image_path(path)
    content_type = IMAGE_TYPES[Path(path).suffix.lower()]
    problems: list[Problem] = []
    if len(data) > MAX_FILE_BYTES:
        problems.append(size_problem(Path(path), len(data)))
    else:
        check_image(Path(path), content_type, data, problems)
    if problems:
        raise DraftError(f"{path} : {problems[0].message}.")
    asset = db.session.scalar(
        sa.select(DraftAsset).where(DraftAsset.draft_id == draft.id, DraftAsset.path == path)
    )
    if asset is None:
        _check_room(draft, added_bytes=len(data))
    _bump(draft, expected_revision, user)
    if asset is None:
        asset = DraftAsset(draft_id=draft.id, path=path, content_type=content_type, data=data)
        db.session.add(asset)
    else:
        asset.content_type, asset.data = content_type, data
    db.session.flush()
    db.session.expire(draft, ["assets"])
    return asset


def delete_asset(draft: CourseDraft, path: str, expected_revision: int, user: User) -> None:
    """Take the image `path` out of the draft and bump its revision (a link to it is then
    reported by the checker). Raises StaleDraftError as `save_file` does."""
    require_may_edit(user, draft)
    asset = db.session.scalar(
        sa.select(DraftAsset).where(DraftAsset.draft_id == draft.id, DraftAsset.path == path)
    )
    if asset is None:
        raise DraftError(f"L'image « {path} » n'existe pas dans ce brouillon.")
    _bump(draft, expected_revision, user)
    db.session.delete(asset)
    db.session.flush()
    db.session.expire(draft, ["assets"])


def discard_draft(draft: CourseDraft, user: User) -> None:
    """Delete the draft and its images; the published versions are untouched."""
    require_may_edit(user, draft)
    record_event(user, "course.draft_discarded", "course_draft", draft.id, slug=draft.slug)
    db.session.delete(draft)
    db.session.flush()


def _check_room(draft: CourseDraft, added_bytes: int, added_entries: int = 1) -> None:
    """Refuse new files or images past what a course archive may hold, so that a draft can
    always be exported as a zip and imported again."""
    asset_count, asset_bytes = db.session.execute(
        sa.select(
            sa.func.count(DraftAsset.id),
            sa.func.coalesce(sa.func.sum(sa.func.length(DraftAsset.data)), 0),
        ).where(DraftAsset.draft_id == draft.id)
    ).one()
    if len(draft.files) + asset_count + added_entries > MAX_ENTRIES:
        raise DraftError(f"Un cours compte au plus {MAX_ENTRIES} fichiers et images.")
    if asset_bytes + added_bytes > MAX_UNPACKED_BYTES:
        raise DraftError(
            f"Les images d'un cours pèsent au plus {MAX_UNPACKED_BYTES // (1024 * 1024)} Mo"
            " ensemble."
        )


def _bump(draft: CourseDraft, expected_revision: int, user: User, **values) -> None:
    """Move the draft from `expected_revision` to the next one with `values`, in one
    conditional UPDATE: of two saves made on the same revision, exactly one passes, whatever
    their timing; the other raises StaleDraftError."""
    if expected_revision == draft.revision:
        result = db.session.execute(
            sa.update(CourseDraft)
            .where(CourseDraft.id == draft.id, CourseDraft.revision == expected_revision)
            .values(
                revision=CourseDraft.revision + 1,
                updated_by_id=user.id,
                updated_at=utcnow(),
                **values,
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            db.session.refresh(draft)
            return
    current = db.session.scalar(
        sa.select(CourseDraft)
        .where(CourseDraft.id == draft.id)
        .execution_options(populate_existing=True)
    )
    if current is None:
        raise DraftError("Ce brouillon n'existe plus : il a été publié ou abandonné entre-temps.")
    raise StaleDraftError.since(current, user)


# --- Checking --------------------------------------------------------------------------------


def check_draft(draft: CourseDraft, files: Mapping[str, str] | None = None) -> list[Problem]:
    """Every problem of the draft (errors and warnings), as `flask courses check` reports them
    for the same files: same messages and lines, paths relative to the course folder
    (« 02-verifier/01-quiz.md »), sorted by file and line. With `files`: the problems the draft
    would have with these Markdown files instead of its own (before saving them)."""
    return read_draft(draft, files)[1]


def read_draft(
    draft: CourseDraft, files: Mapping[str, str] | None = None
) -> tuple[ParsedCourse | None, list[Problem]]:
    """The draft read as a course folder: the parsed course (None if it has an error, else
    ready for the importer, its paths relative to the course folder) and every problem.
    `files`, if given, replace the draft's Markdown files in the reading."""
    assets = db.session.scalars(
        sa.select(DraftAsset)
        .where(DraftAsset.draft_id == draft.id)
        .options(undefer(DraftAsset.data))
    ).all()
    with tempfile.TemporaryDirectory(prefix="course-draft-") as temporary:
        folder = Path(temporary) / draft.slug
        texts = draft.files if files is None else files
        _write_folder(folder, texts, {asset.path: asset.data for asset in assets})
        courses, problems = load_catalogue([folder], known_audience_codes(), known_course_slugs)
    problems = _relative(problems, folder)
    if not courses or any(problem.is_error for problem in problems):
        return None, problems
    [course] = courses
    course.source = Path()
    course.warnings = _relative(course.warnings, folder)
    return course, problems


def _write_folder(folder: Path, texts: Mapping[str, str], images: dict[str, bytes]) -> None:
    folder.mkdir()
    for path, text in texts.items():
        target = folder / markdown_path(path)
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")
    for path, data in images.items():
        target = folder / image_path(path)
        target.parent.mkdir(exist_ok=True)
        target.write_bytes(data)


def _relative(problems: Iterable[Problem], folder: Path) -> list[Problem]:
    return [
        dataclasses.replace(problem, path=problem.path.relative_to(folder))
        if problem.path.is_relative_to(folder)
        else problem
        for problem in problems
    ]
