"""Quiz steps of a draft: read for the quiz editor and saved from it, made from a Moodle GIFT
file, and written back as GIFT.

A quiz is read and checked by the course checker's own code (content/quiz_file.py), knowing the
draft's steps and images, so the problems shown are those `flask courses check` reports for the
file, with the same messages and lines. What the quiz editor or a GIFT import writes has no
error in that file: a quiz the check refuses is not written, so that the editor can always read
back what it wrote, whole. Functions flush and never commit: the view commits once.
"""

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from training.accounts.models import User
from training.authoring import drafts
from training.authoring.models import CourseDraft
from training.authoring.preview import image_paths, step_keys
from training.content.gift import GiftError, parse_gift, to_gift
from training.content.problems import Problem
from training.content.quiz_file import (
    QuizFile,
    QuizReading,
    WrittenQuiz,
    is_quiz,
    read_quiz,
    write_quiz,
)

#: The name a GIFT import gives its quiz when the trainer gives none (after its number).
DEFAULT_QUIZ_NAME = "quiz"


class QuizCheckError(drafts.DraftError):
    """A quiz refused, nothing written: the check's problems in the file as it would be
    written, and that file, to place each problem next to its field."""

    def __init__(self, written: WrittenQuiz, problems: list[Problem]) -> None:
        self.written = written
        self.problems = problems
        count = sum(problem.is_error for problem in problems)
        super().__init__(
            f"Le quiz n'est pas enregistré : la vérification y trouve {count}"
            f" erreur{'s' if count > 1 else ''}, signalée{'s' if count > 1 else ''} à côté des"
            " champs concernés."
        )


class GiftImportError(drafts.DraftError):
    """A GIFT file refused, nothing written: why, and every problem found with its line."""

    def __init__(self, message: str, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(message)


@dataclass(frozen=True)
class GiftImport:
    #: The quiz file written, e.g. "02-verifier/02-quiz.md".
    path: str
    questions: int
    #: The GIFT file's problems: what was dropped (warnings) and, when the trainer chose to
    #: import the other questions, the questions left out (errors), each with its line.
    problems: list[Problem]


def quiz_paths(draft: CourseDraft) -> set[str]:
    """The step files of the draft that are quizzes."""
    return {
        path
        for path, text in draft.files.items()
        if "/" in path and PurePosixPath(path).name != drafts.MODULE_FILE and is_quiz(text)
    }


def module_folders(draft: CourseDraft) -> list[str]:
    """The draft's module folders, in their order."""
    return sorted({str(PurePosixPath(path).parent) for path in draft.files if "/" in path})


def read_draft_quiz(draft: CourseDraft, path: str, text: str | None = None) -> QuizReading:
    """The quiz `path` of the draft (or `text`, as that file), as the check reads it."""
    return read_quiz(
        draft.files[path] if text is None else text,
        Path(path),
        step_keys=step_keys(draft),
        image_paths=image_paths(draft),
    )


def save_quiz(
    draft: CourseDraft, path: str, quiz: QuizFile, expected_revision: int, user: User
) -> WrittenQuiz:
    """Write `quiz` as the quiz file `path` of the draft, in the course file format.

    Raises, having written nothing: QuizCheckError if the check finds an error in the file as
    it would be written (warnings do not stop it); StaleDraftError as `drafts.save_file` does;
    DraftError if `path` is not a quiz of the draft.
    """
    drafts.require_may_edit(user, draft)
    if path not in draft.files or not is_quiz(draft.files[path]):
        raise drafts.DraftError(f"Le quiz « {path} » n'existe pas dans ce brouillon.")
    written = write_quiz(quiz)
    reading = read_draft_quiz(draft, path, written.text)
    if reading.errors:
        raise QuizCheckError(written, reading.problems)
    drafts.save_file(draft, path, written.text, expected_revision, user)
    return written


def next_step_name(draft: CourseDraft, module: str, name: str = DEFAULT_QUIZ_NAME) -> str:
    """« NN-name »: the name of a new step placed after the last one of `module`."""
    numbers = [
        int(stem[:2])
        for path in draft.files
        if path.startswith(f"{module}/")
        and (stem := PurePosixPath(path).stem)[:2].isdigit()
        and PurePosixPath(path).name != drafts.MODULE_FILE
    ]
    return f"{max(numbers, default=0) + 1:02d}-{name}"


def import_gift(
    draft: CourseDraft,
    module: str,
    name: str,
    title: str,
    data: bytes,
    filename: str,
    expected_revision: int,
    user: User,
    *,
    partial: bool = False,
) -> GiftImport:
    """Write the questions of the GIFT file `data` (uploaded as `filename`) as a new quiz
    `module/name.md` of the draft, titled `title` (by default, after the file's name).

    Every question GIFT holds that the platform cannot (numerical, matching, short answer,
    essay, description, malformed) is reported with its line. Unless `partial`, one such
    question refuses the file. Raises, having written nothing: GiftImportError (the file
    unreadable, no question brought over, questions left out without `partial`, or the quiz
    written with an error); DraftError for a module that is not the draft's, a file that
    exists; StaleDraftError as `drafts.save_file` does.
    """
    drafts.require_may_edit(user, draft)
    source = Path(PurePosixPath(filename).name or "questions.gift")
    if module not in module_folders(draft):
        raise drafts.DraftError(f"Le module « {module} » n'existe pas dans ce brouillon.")
    path = f"{module}/{name or next_step_name(draft, module)}.md"
    drafts.markdown_path(path)
    if path in draft.files:
        raise drafts.DraftError(f"Le fichier « {path} » existe déjà dans ce brouillon.")
    try:
        parsed = parse_gift(data, source)
    except GiftError as error:
        raise GiftImportError(
            "Le fichier GIFT ne peut pas être lu : rien n'a été importé.",
            [Problem(source, 1, str(error))],
        ) from None
    problems = sorted(parsed.problems)
    left_out = sum(problem.is_error for problem in problems)
    if not parsed.questions:
        raise GiftImportError(
            "Aucune question du fichier ne peut être reprise : rien n'a été importé.", problems
        )
    if left_out and not partial:
        which = (
            "Une question du fichier ne peut pas être reprise"
            if left_out == 1
            else f"{left_out} questions du fichier ne peuvent pas être reprises"
        )
        raise GiftImportError(
            f"{which} (liste ci-dessous) : rien n'a été importé. Corrigez ou retirez ces"
            " questions du fichier, ou cochez « Importer les autres questions ».",
            problems,
        )
    quiz = QuizFile(title=title or source.stem.replace("-", " "), questions=parsed.questions)
    written = write_quiz(quiz)
    reading = read_draft_quiz(draft, path, written.text)
    if reading.errors:
        raise GiftImportError(
            f"Le quiz écrit à partir de ce fichier contient des erreurs (lignes du fichier"
            f" {path}) : rien n'a été importé.",
            reading.errors,
        )
    drafts.save_file(draft, path, written.text, expected_revision, user)
    return GiftImport(path, len(parsed.questions), problems)


def quiz_gift(draft: CourseDraft, path: str) -> str:
    """The questions of the quiz `path` of the draft in GIFT, as Moodle imports it. Raises
    DraftError if the check finds an error in the quiz (some questions might be missing)."""
    if path not in draft.files or not is_quiz(draft.files[path]):
        raise drafts.DraftError(f"Le quiz « {path} » n'existe pas dans ce brouillon.")
    reading = read_draft_quiz(draft, path)
    if reading.quiz is None or reading.errors:
        raise drafts.DraftError(
            f"Le quiz « {path} » contient des erreurs : corrigez-les avant de l'exporter en GIFT."
        )
    return to_gift(reading.quiz.questions)
