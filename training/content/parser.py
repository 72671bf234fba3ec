"""`parse_course`: a course folder read, checked and rendered, without any database.

The folder layout, the front-matter keys and the quiz syntax are those of the course file format
(docs/format-des-cours.md). The parser reads everything before giving up, so that a trainer gets
every problem of a course in one run; it raises CourseFormatError if any of them is an error.
`read_course` also hands back what could be read of a course in error, for the checks that span
courses (validation.py).
"""

import re
from dataclasses import dataclass
from pathlib import Path

from training.content.fiche import FICHE_FILE, build_fiche
from training.content.files import IMAGE_TYPES, Document, check_image, read_bytes, read_document
from training.content.parsed import (
    ParsedAsset,
    ParsedCourse,
    ParsedModule,
    ParsedStep,
    compute_hashes,
)
from training.content.problems import CourseFormatError, Problem
from training.content.quiz import QuizParser
from training.content.quiz_shape import quiz_shape_findings
from training.content.renderer import CourseRenderer, Source
from training.content.review import find_review_notes
from training.content.scenario import ScenarioParser, best_path_score

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG_LENGTH = 80
_NUMBERED = re.compile(r"^(?P<number>\d{2})-[A-Za-z0-9][A-Za-z0-9_-]{0,79}$")
_IMAGE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
IMAGES_FOLDER = "images"

#: Front-matter keys, and whether each is required.
COURSE_KEYS = {
    "slug": True,
    "title": True,
    "summary": True,
    "audiences": True,
    "prerequisites": False,
    "estimated_minutes": True,
    "pass_mark": True,
    "certificate_validity_months": False,
    "content_notice": False,
}
MODULE_KEYS = {"title": True}
STEP_KEYS = {
    "kind": True,
    "title": True,
    "estimated_minutes": False,
    "pass_mark": False,
    "max_attempts": False,
    "shuffle": False,
}
QUIZ_ONLY_KEYS = ("pass_mark", "max_attempts", "shuffle")
#: A scenario is passed at a mark like a quiz, but is replayed at will, its choices in order.
SCENARIO_REFUSED_KEYS = ("max_attempts", "shuffle")
STEP_KINDS = ("lesson", "quiz", "scenario")
NAME_HINT = (
    "deux chiffres, un tiret, puis des lettres sans accent, des chiffres ou des tirets"
    " (par exemple 01-introduction)"
)


def parse_course(path: Path) -> ParsedCourse:
    """Read the course folder `path`; raise CourseFormatError listing every error found.

    Warnings (a choice without feedback…) do not stop the parse: they are in `.warnings`.
    """
    reading = read_course(path)
    if reading.course is None or reading.errors:
        raise CourseFormatError(reading.problems)
    return reading.course


@dataclass(frozen=True)
class CourseReading:
    """A course folder as far as it could be read, and every problem (errors and warnings)."""

    #: None if course.md could not be read. When `errors` is not empty, a partial course: its
    #: header (slug, audiences, key lines) for the catalogue checks, never to be imported — its
    #: content hash is left empty.
    course: ParsedCourse | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if problem.is_error]


def read_course(path: Path) -> CourseReading:
    """Read the course folder `path`, reporting problems instead of raising."""
    return _CourseReader(Path(path)).read()


class _Fields:
    """Typed access to a document's front matter, reporting each wrong value once."""

    def __init__(self, document: Document, keys: dict[str, bool], problems: list[Problem]):
        self.document = document
        self.problems = problems
        allowed = ", ".join(keys)
        for key in document.fields:
            if key not in keys:
                self.problem(key, f"clé inconnue « {key} » (clés permises : {allowed})")
        for key, required in keys.items():
            if required and document.fields.get(key) is None:
                problems.append(
                    Problem(document.path, 1, f"clé obligatoire manquante dans l'en-tête : {key}")
                )

    def problem(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.document.path, self.document.line_of(key), message))

    def text(self, key: str) -> str | None:
        value = self.document.fields.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(key, f"{key} : texte attendu (entre guillemets s'il contient « : »)")
            return None
        return value.strip()

    def integer(self, key: str, minimum: int, maximum: int | None = None) -> int | None:
        value = self.document.fields.get(key)
        if value is None:
            return None
        in_range = (
            isinstance(value, int)
            and not isinstance(value, bool)
            and minimum <= value
            and (maximum is None or value <= maximum)
        )
        if not in_range:
            bounds = f"de {minimum} à {maximum}" if maximum is not None else f"au moins {minimum}"
            self.problem(key, f"{key} : nombre entier attendu, {bounds}")
            return None
        return value

    def boolean(self, key: str) -> bool:
        value = self.document.fields.get(key, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.problem(key, f"{key} : true ou false attendu")
            return False
        return value

    def codes(self, key: str) -> list[str]:
        value = self.document.fields.get(key)
        if value is None:
            return []
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(code, str) and code for code in value)
        ):
            self.problem(key, f"{key} : liste de codes attendue (une ligne « - code » par code)")
            return []
        if len(set(value)) != len(value):
            self.problem(key, f"{key} : code en double")
        return value

    def slugs(self, key: str) -> list[str]:
        """A list of course slugs, possibly empty; [] when absent."""
        value = self.document.fields.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(slug, str) for slug in value):
            self.problem(key, f"{key} : liste de slugs attendue (par exemple [socle-commun])")
            return []
        wrong = [slug for slug in value if not SLUG.match(slug)]
        if wrong:
            self.problem(
                key,
                f"{key} : slug invalide « {wrong[0]} » (lettres minuscules sans accent, chiffres"
                " et tirets)",
            )
            return []
        if len(set(value)) != len(value):
            self.problem(key, f"{key} : cours en double")
        return list(dict.fromkeys(value))


class _CourseReader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.problems: list[Problem] = []

    def _error(self, path: Path, message: str, line: int = 1) -> None:
        self.problems.append(Problem(path, line, message))

    def _ignored(self, path: Path) -> None:
        what = "dossier" if path.is_dir() else "fichier"
        message = f"{what} ignoré : il ne fait pas partie du format des cours"
        self.problems.append(Problem(path, 1, message, "warning"))

    def read(self) -> CourseReading:
        if not self.folder.is_dir():
            return CourseReading(None, [Problem(self.folder, 1, "dossier de cours introuvable")])
        course_document = self._document(self.folder / "course.md")
        module_folders, image_files = self._scan_course_folder()
        assets = [asset for path in image_files if (asset := self._read_image(path))]
        modules = [(folder, self._read_module(folder)) for folder in module_folders]
        step_keys = {
            f"{folder.name}/{path.stem}" for folder, (_doc, steps) in modules for path, _ in steps
        }
        # Refused images still count as present, so that links to them add no second problem.
        image_paths = {f"{IMAGES_FOLDER}/{path.name}" for path in image_files}
        renderer = CourseRenderer(step_keys, image_paths)
        parsed_modules = [
            self._build_module(folder, document, steps, renderer)
            for folder, (document, steps) in modules
        ]
        fiche = None
        if (self.folder / FICHE_FILE).is_file() and not (self.folder / FICHE_FILE).is_symlink():
            fiche_document = read_document(self.folder / FICHE_FILE, self.problems)
            if fiche_document is not None:
                fiche = build_fiche(fiche_document, renderer, self.problems)
        course = None
        if course_document is not None:
            course = self._build_course(course_document, renderer)
            course.fiche = fiche
        self._check_quiz_shapes([module for module in parsed_modules if module is not None])
        problems = sorted(self.problems + renderer.problems)
        self._check_scenario_pass_marks(
            [module for module in parsed_modules if module is not None],
            course.pass_mark if course is not None else None,
            {problem.path for problem in problems if problem.is_error},
        )
        problems = sorted(self.problems + renderer.problems)
        if course is None:
            return CourseReading(None, problems)
        course.modules = [module for module in parsed_modules if module is not None]
        course.assets = assets
        if any(problem.is_error for problem in problems):
            return CourseReading(course, problems)
        course.warnings = problems
        compute_hashes(course)
        return CourseReading(course, problems)

    def _check_quiz_shapes(self, modules: list[ParsedModule]) -> None:
        """Warn about what the shape of the questions gives away, per quiz and (when the
        course has several quizzes) for all its quizzes together."""
        quizzes = [step for module in modules for step in module.steps if step.kind == "quiz"]
        for quiz in quizzes:
            for finding in quiz_shape_findings([quiz]):
                line = finding.question.line if finding.question is not None else 1
                message = finding.message if finding.question else f"ce quiz : {finding.message}"
                self.problems.append(
                    Problem(self.folder / f"{quiz.key}.md", line or 1, message, "warning")
                )
        if len(quizzes) > 1:
            for finding in quiz_shape_findings(quizzes, each_question=False):
                message = f"ensemble des {len(quizzes)} quiz du cours : {finding.message}"
                self.problems.append(Problem(self.folder / "course.md", 1, message, "warning"))

    def _check_scenario_pass_marks(
        self, modules: list[ParsedModule], course_pass_mark: int | None, in_error: set[Path]
    ) -> None:
        """Report the scenarios that nobody can pass: whose best path scores under the pass
        mark (the scenario's own, else the course's). A scenario file with errors is left
        alone: its best path means nothing yet."""
        for module in modules:
            for step in module.steps:
                path = self.folder / f"{step.key}.md"
                if step.kind != "scenario" or path in in_error:
                    continue
                pass_mark = step.pass_mark if step.pass_mark is not None else course_pass_mark
                score = best_path_score(step.stages)
                if pass_mark is None or score is None or score >= pass_mark:
                    continue
                whose = "de cette mise en situation" if step.pass_mark is not None else "du cours"
                self._error(
                    path,
                    f"le meilleur chemin obtient {score} %, sous la note de réussite {whose}"
                    f" ({pass_mark} %) : personne ne peut réussir cette mise en situation ;"
                    " revoyez l'évaluation des choix du meilleur chemin ou abaissez pass_mark",
                )

    def _document(self, path: Path) -> Document | None:
        if not path.is_file():
            self._error(path, f"fichier manquant : {path.name}")
            return None
        return read_document(path, self.problems)

    def _numbered(self, entries: list[Path], what: str) -> list[Path]:
        """Entries named NN-name in order, after reporting bad names, duplicates and gaps."""
        numbered = []
        for entry in entries:
            name = entry.name.removesuffix(".md") if entry.is_file() else entry.name
            match = _NUMBERED.match(name)
            if match is None:
                self._error(entry, f"nom de {what} invalide : {NAME_HINT}")
            else:
                numbered.append((int(match.group("number")), entry))
        numbered.sort()
        expected, seen = 1, {}
        for number, entry in numbered:
            if number in seen:
                self._error(entry, f"numéro {number:02d} déjà pris par {seen[number].name}")
                continue
            if number != expected:
                self._error(
                    entry,
                    f"numérotation : {expected:02d} attendu, {number:02d} trouvé (les numéros"
                    " se suivent à partir de 01, sans trou)",
                )
            seen[number] = entry
            expected = number + 1
        return [entry for _number, entry in numbered]

    def _visible_entries(self, folder: Path) -> list[Path]:
        return sorted(entry for entry in folder.iterdir() if not entry.name.startswith("."))

    def _scan_course_folder(self) -> tuple[list[Path], list[Path]]:
        modules, images = [], []
        for entry in self._visible_entries(self.folder):
            if entry.name == "course.md" or (entry.name == FICHE_FILE and entry.is_file()):
                if entry.is_symlink():
                    self._error(entry, "lien symbolique refusé : placez le fichier lui-même")
                continue
            if entry.is_symlink():
                self._error(entry, "lien symbolique refusé : placez le fichier lui-même")
            elif entry.is_dir() and entry.name == IMAGES_FOLDER:
                images = self._scan_images(entry)
            elif entry.is_dir() and entry.name[:1].isdigit():
                modules.append(entry)
            else:
                self._ignored(entry)
        modules = self._numbered(modules, "module")
        if not modules and (self.folder / "course.md").is_file():
            self._error(self.folder / "course.md", "le cours ne contient aucun module")
        return modules, images

    def _scan_images(self, folder: Path) -> list[Path]:
        images = []
        for entry in self._visible_entries(folder):
            if entry.is_dir():
                self._ignored(entry)
            elif entry.suffix.lower() not in IMAGE_TYPES:
                kinds = ", ".join(sorted({suffix[1:] for suffix in IMAGE_TYPES}))
                self._error(entry, f"type d'image non pris en charge (formats permis : {kinds})")
            elif not _IMAGE_NAME.match(entry.name):
                self._error(entry, "nom d'image invalide : lettres sans accent, chiffres, tirets")
            else:
                images.append(entry)
        return images

    def _read_image(self, path: Path) -> ParsedAsset | None:
        data = read_bytes(path, self.problems)
        if data is None:
            return None
        content_type = IMAGE_TYPES[path.suffix.lower()]
        before = len(self.problems)
        check_image(path, content_type, data, self.problems)
        if len(self.problems) > before:
            return None
        return ParsedAsset(f"{IMAGES_FOLDER}/{path.name}", content_type, data)

    def _read_module(
        self, folder: Path
    ) -> tuple[Document | None, list[tuple[Path, Document | None]]]:
        document = self._document(folder / "module.md")
        step_files = []
        for entry in self._visible_entries(folder):
            if entry.name == "module.md":
                continue
            if entry.is_symlink():
                self._error(entry, "lien symbolique refusé : placez le fichier lui-même")
            elif entry.is_file() and entry.suffix == ".md":
                step_files.append(entry)
            else:
                self._ignored(entry)
        steps = [
            (path, read_document(path, self.problems))
            for path in self._numbered(step_files, "fichier d'étape")
        ]
        if not step_files:
            self._error(folder / "module.md", "module sans étape : ajoutez un fichier 01-….md")
        return document, steps

    def _build_module(
        self,
        folder: Path,
        document: Document | None,
        steps: list[tuple[Path, Document | None]],
        renderer: CourseRenderer,
    ) -> ParsedModule | None:
        parsed_steps = [
            self._build_step(f"{folder.name}/{path.stem}", step_document, renderer)
            for path, step_document in steps
            if step_document is not None
        ]
        if document is None:
            return None
        fields = _Fields(document, MODULE_KEYS, self.problems)
        intro_html = renderer.render(
            document.body, Source(document.path, folder.name, document.body_line)
        )
        return ParsedModule(
            key=folder.name,
            title=fields.text("title") or "",
            intro=document.body,
            intro_html=intro_html,
            steps=[step for step in parsed_steps if step is not None],
            review_notes=find_review_notes(document.body, document.body_line),
        )

    def _build_step(
        self, key: str, document: Document, renderer: CourseRenderer
    ) -> ParsedStep | None:
        return build_step(key, document, renderer, self.problems)

    def _build_course(self, document: Document, renderer: CourseRenderer) -> ParsedCourse:
        fields = _Fields(document, COURSE_KEYS, self.problems)
        slug = fields.text("slug") or ""
        if slug and (not SLUG.match(slug) or len(slug) > MAX_SLUG_LENGTH):
            fields.problem(
                "slug", "slug : lettres minuscules sans accent, chiffres et tirets seulement"
            )
        elif slug and slug != self.folder.name:
            fields.problem(
                "slug", f"le slug « {slug} » doit être le nom du dossier (« {self.folder.name} »)"
            )
        prerequisites = fields.slugs("prerequisites")
        if slug and slug in prerequisites:
            fields.problem("prerequisites", "un cours ne peut pas être son propre prérequis")
        return ParsedCourse(
            source=self.folder,
            slug=slug,
            title=fields.text("title") or "",
            summary=fields.text("summary") or "",
            audiences=fields.codes("audiences"),
            prerequisites=prerequisites,
            estimated_minutes=fields.integer("estimated_minutes", 0) or 0,
            pass_mark=fields.integer("pass_mark", 0, 100) or 0,
            certificate_validity_months=fields.integer("certificate_validity_months", 1),
            content_notice=fields.text("content_notice"),
            presentation=document.body,
            presentation_html=renderer.render(
                document.body, Source(document.path, "", document.body_line)
            ),
            key_lines=document.key_lines,
            review_notes=find_review_notes(document.body, document.body_line),
        )


def build_step(
    key: str, document: Document, renderer: CourseRenderer, problems: list[Problem]
) -> ParsedStep | None:
    """The step `key` ("<module>/<name>") read from its file `document` as `flask courses check`
    reads it: front matter, then the lesson, the quiz's questions or the scenario's stages,
    rendered by `renderer`.

    Problems of the front matter go to `problems`, those of the body to `renderer.problems`.
    None if the kind of step cannot be told.
    """
    fields = _Fields(document, STEP_KEYS, problems)
    kind = fields.text("kind")
    if kind is not None and kind not in STEP_KINDS:
        fields.problem(
            "kind",
            "kind : « lesson » (leçon), « quiz » ou « scenario » (mise en situation) attendu",
        )
        kind = None
    refused = {"lesson": QUIZ_ONLY_KEYS, "scenario": SCENARIO_REFUSED_KEYS}.get(kind or "", ())
    for key_name in refused:
        if key_name in document.fields:
            where = "un quiz ou une mise en situation" if key_name == "pass_mark" else "un quiz"
            fields.problem(key_name, f"{key_name} n'est permis que dans {where}")
    step = ParsedStep(
        key=key,
        kind=kind or "lesson",
        title=fields.text("title") or "",
        estimated_minutes=fields.integer("estimated_minutes", 0),
        pass_mark=fields.integer("pass_mark", 0, 100) if kind in ("quiz", "scenario") else None,
        max_attempts=fields.integer("max_attempts", 1) if kind == "quiz" else None,
        shuffle=fields.boolean("shuffle") if kind == "quiz" else False,
        body=document.body,
        review_notes=find_review_notes(document.body, document.body_line),
    )
    source = Source(document.path, key.split("/")[0], document.body_line)
    if kind == "quiz":
        step.body, step.questions = QuizParser(renderer, source).parse(document.body)
        step.body_html = renderer.render(step.body, source) if step.body else ""
    elif kind == "scenario":
        # The body stays whole (stored and exported as written); the page shows the starting
        # situation, then one stage at a time.
        parser = ScenarioParser(renderer, source)
        _intro, step.stages = parser.parse(document.body)
        step.body_html = parser.intro_html
    else:
        step.body_html = renderer.render(step.body, source)
    step.images = source.images
    return step if kind is not None else None
