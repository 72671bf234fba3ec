"""What changed between two versions of a course, or between a draft and its version, file by
file, as the trainer reads the files (the exporter's Markdown)."""

import difflib
from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa

from training.authoring.models import CourseDraft, DraftAsset
from training.content.exporter import version_files
from training.content.models import Course, CourseVersion
from training.extensions import db

FileStatus = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class FileDiff:
    """One file that differs: its path in the course folder and, for a Markdown file, the
    unified diff of its lines (« --- », « +++ », « @@ », then lines starting with « - », « + »
    or a space)."""

    path: str
    status: FileStatus
    #: Empty for an image, whose bytes are not compared line by line.
    lines: tuple[str, ...] = ()

    @property
    def is_image(self) -> bool:
        return not self.path.endswith(".md")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def versions_of(course: Course) -> list[CourseVersion]:
    """The course's published versions, newest first, with who published them."""
    return list(
        db.session.scalars(
            sa.select(CourseVersion)
            .where(CourseVersion.course_id == course.id)
            .order_by(CourseVersion.number.desc())
        )
    )


def version_diff(old_version: CourseVersion | None, new_version: CourseVersion) -> list[FileDiff]:
    """The files that differ from `old_version` (None: nothing, for a first version) to
    `new_version`: course.md first, then by path, images last."""
    new = version_files(new_version)
    if old_version is None:
        old_texts, old_images = {}, {}
    else:
        old = version_files(old_version)
        old_texts = old.texts
        old_images = {path: image.data for path, image in old.images.items()}
    return diff_files(
        old_texts,
        new.texts,
        old_images,
        {path: image.data for path, image in new.images.items()},
        old_label=f"version {old_version.number}" if old_version else "",
        new_label=f"version {new_version.number}",
    )


def draft_diff(draft: CourseDraft) -> list[FileDiff]:
    """What the draft changes in the version it was opened from (everything, for a new
    course), in the order of `version_diff`."""
    old_texts: dict[str, str] = {}
    old_images: dict[str, bytes] = {}
    if draft.base_version is not None:
        old = version_files(draft.base_version)
        old_texts = old.texts
        old_images = {path: image.data for path, image in old.images.items()}
    new_images = dict(
        db.session.execute(
            sa.select(DraftAsset.path, DraftAsset.data).where(DraftAsset.draft_id == draft.id)
        ).all()
    )
    old_label = f"version {draft.base_version.number}" if draft.base_version else ""
    return diff_files(
        old_texts, draft.files, old_images, new_images, old_label=old_label, new_label="brouillon"
    )


def diff_files(
    old_texts: dict[str, str],
    new_texts: dict[str, str],
    old_images: dict[str, bytes],
    new_images: dict[str, bytes],
    *,
    old_label: str = "",
    new_label: str = "",
) -> list[FileDiff]:
    """The texts and images that differ between two sets of course files."""
    diffs = []
    for path in sorted(old_texts.keys() | new_texts.keys(), key=_file_order):
        old, new = old_texts.get(path), new_texts.get(path)
        if old == new:
            continue
        lines = difflib.unified_diff(
            (old or "").splitlines(),
            (new or "").splitlines(),
            fromfile=f"{path} ({old_label})" if old_label else path,
            tofile=f"{path} ({new_label})" if new_label else path,
            lineterm="",
        )
        diffs.append(FileDiff(path, _status(old, new), tuple(lines)))
    for path in sorted(old_images.keys() | new_images.keys()):
        old_data, new_data = old_images.get(path), new_images.get(path)
        if old_data != new_data:
            diffs.append(FileDiff(path, _status(old_data, new_data)))
    return diffs


def _file_order(path: str) -> tuple[bool, str]:
    return (path != "course.md", path)


def _status(old: object | None, new: object | None) -> FileStatus:
    if old is None:
        return "added"
    if new is None:
        return "removed"
    return "changed"
