"""A draft's course settings: the front matter of its course.md, edited through a form.

The values typed are written as they are into the front matter (numbers typed as numbers) and
the draft is checked by the code of `flask courses check`: the problems it finds on a setting
are the form's messages, next to the field whose key they concern, so that the form and the
files say the same thing. Settings with an error are not saved; the other keys of course.md and
its presentation are kept as they are.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from training.accounts.models import User
from training.accounts.services import list_professions
from training.authoring import drafts
from training.authoring.drafts import COURSE_FILE, DraftError
from training.authoring.front_matter import FrontMatterError, read_front_matter, with_fields
from training.authoring.models import CourseDraft
from training.content.models import Course, CourseVersion
from training.content.parser import COURSE_KEYS
from training.content.problems import Problem
from training.content.validation import known_audience_codes
from training.extensions import db
from training.plain_text import clean_line

#: The keys the settings form edits, in the order of the format's table.
TEXT_KEYS = ("title", "summary", "content_notice")
LIST_KEYS = ("audiences", "prerequisites")
NUMBER_KEYS = ("estimated_minutes", "pass_mark", "certificate_validity_months")
SETTING_KEYS = tuple(key for key in COURSE_KEYS if key in TEXT_KEYS + LIST_KEYS + NUMBER_KEYS)
_WHOLE_NUMBER = re.compile(r"^[+-]?\d{1,9}$")


class SettingsError(DraftError):
    """Settings refused by the check, having saved nothing: `by_key` holds the problems of each
    setting."""

    def __init__(self, by_key: dict[str, list[Problem]]) -> None:
        self.by_key = by_key
        count = sum(len(problems) for problems in by_key.values())
        super().__init__(f"{count} réglage{'s' if count > 1 else ''} à corriger.")


def course_settings(text: str) -> dict[str, Any]:
    """The settings written in the front matter of `text` (course.md); FrontMatterError if it
    cannot be read."""
    fields = read_front_matter(text).fields
    return {key: fields.get(key) for key in SETTING_KEYS}


def with_settings(text: str, values: Mapping[str, Any]) -> str:
    """course.md `text` with the settings `values` as typed in the form: text stripped, numbers
    made numbers when they are written as whole numbers (otherwise kept as typed, for the check
    to refuse), an optional setting left empty removed, lists without empty items.

    Keys not in `values`, and the presentation, are kept as they are. Raises FrontMatterError.
    """
    changes: dict[str, Any] = {}
    for key, value in values.items():
        if key not in SETTING_KEYS:
            raise KeyError(key)
        required = COURSE_KEYS[key]
        if key in LIST_KEYS:
            items = [clean_line(str(item)) for item in value or []]
            items = [item for item in items if item]
            changes[key] = items if items or required else None
            continue
        value = "" if value is None else str(value).strip()
        if key in NUMBER_KEYS and _WHOLE_NUMBER.match(value):
            changes[key] = int(value)
        else:
            changes[key] = value if value or required else None
    return with_fields(text, changes, tuple(COURSE_KEYS))


def problems_by_setting(
    text: str, problems: Iterable[Problem]
) -> tuple[dict[str, list[Problem]], list[Problem]]:
    """The problems of course.md `text` about a setting, by key (the problem is on the line of
    the key), and the others (the presentation, other keys, the whole file)."""
    try:
        key_lines = read_front_matter(text).key_lines
    except FrontMatterError:
        key_lines = {}
    key_of_line = {line: key for key, line in key_lines.items() if key in SETTING_KEYS}
    by_key: dict[str, list[Problem]] = {}
    others = []
    for problem in problems:
        if problem.path.as_posix() != COURSE_FILE:
            continue
        key = key_of_line.get(problem.line)
        if key is None:
            others.append(problem)
        else:
            by_key.setdefault(key, []).append(problem)
    return by_key, others


def save_settings(
    draft: CourseDraft, values: Mapping[str, Any], expected_revision: int, user: User
) -> None:
    """Write the settings `values` into the draft's course.md and bump its revision, after
    checking the draft as it would then be.

    Raises SettingsError if the check finds an error on a setting, StaleDraftError if the draft
    is no longer at `expected_revision`, DraftError if course.md has no readable front matter;
    nothing is written then. Problems elsewhere (the presentation, another file) do not stop
    the save: they are the trainer's to fix in the file editor.
    """
    drafts.require_may_edit(user, draft)
    try:
        text = with_settings(draft.files[COURSE_FILE], values)
    except FrontMatterError as error:
        raise DraftError(
            f"L'en-tête de course.md ne peut pas être lu ({error}) : corrigez-le dans l'éditeur"
            " du fichier."
        ) from None
    problems = drafts.check_draft(draft, {**draft.files, COURSE_FILE: text})
    by_key, _others = problems_by_setting(text, problems)
    errors = {
        key: found for key, found in by_key.items() if any(problem.is_error for problem in found)
    }
    if errors:
        raise SettingsError(errors)
    drafts.save_file(draft, COURSE_FILE, text, expected_revision, user)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def audience_choices(named: Iterable[str]) -> list[Choice]:
    """The professions a course may be meant for, in their order, retired ones only if the
    course names them; and the codes it names that no profession has (for the check to report
    and the trainer to untick)."""
    named = list(named)
    choices = [
        Choice(p.code, p.name + (" (profession retirée)" if p.is_retired else ""))
        for p in list_professions()
        if not p.is_retired or p.code in named
    ]
    if not choices:
        choices = [Choice(code, code) for code in sorted(known_audience_codes())]
    offered = {choice.value for choice in choices}
    return choices + [Choice(code, code) for code in named if code not in offered]


def prerequisite_choices(slug: str, named: Iterable[str]) -> list[Choice]:
    """The published courses other than `slug`, by title of their newest version; then the
    slugs named that are not published (for the check to report and the trainer to untick)."""
    newest = (
        sa.select(CourseVersion.course_id, sa.func.max(CourseVersion.number).label("number"))
        .group_by(CourseVersion.course_id)
        .subquery()
    )
    rows = db.session.execute(
        sa.select(Course.slug, CourseVersion.title)
        .join(CourseVersion, CourseVersion.course_id == Course.id)
        .join(
            newest,
            sa.and_(
                newest.c.course_id == CourseVersion.course_id,
                newest.c.number == CourseVersion.number,
            ),
        )
        .where(Course.slug != slug)
        .order_by(CourseVersion.title, Course.slug)
    ).all()
    choices = [Choice(row.slug, row.title) for row in rows]
    offered = {choice.value for choice in choices}
    return choices + [Choice(value, value) for value in named if value not in offered]
