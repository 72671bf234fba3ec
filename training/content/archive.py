"""A course as one zip archive: a version exported as a zip, and an uploaded zip read safely.

An archive holds one folder named after the course's slug, laid out as in courses/. It is unpacked
into a temporary directory and read by the same parser as a course folder, so a course imports
from a zip exactly as from its folder. An archive is untrusted (it will come from a browser
upload): every entry is checked before anything is written, nothing is written outside the
temporary directory, and reading stops as soon as the bytes actually unpacked pass the limits,
whatever the archive's headers declare.
"""

import dataclasses
import io
import re
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from training.content.exporter import version_files
from training.content.fiche import FICHE_FILE
from training.content.files import MAX_FILE_BYTES, read_text
from training.content.importer import ImportResult, import_parsed_courses
from training.content.models import CourseVersion
from training.content.parsed import ParsedCourse
from training.content.problems import CourseFormatError, Problem
from training.content.validation import known_audience_codes, known_course_slugs, load_catalogue

_MEGABYTE = 1024 * 1024
#: The largest catalogue course is well under 1 MB zipped; 50 MB leaves room for many images
#: (each at most 1 MB) while bounding what an upload can make the server store and parse.
MAX_ARCHIVE_BYTES = 50 * _MEGABYTE
MAX_UNPACKED_BYTES = 50 * _MEGABYTE
#: Files and folders. The largest catalogue course has about 40; a course of 20 modules of 20
#: steps with its images stays under 500.
MAX_ENTRIES = 500
#: Markdown deflates 3 to 5 times, SVG rarely more than 20; a zip bomb, about 1,000 times.
MAX_RATIO = 100
#: Up to the size of one course file, an entry may deflate as well as it likes (a page of
#: repeated characters): it cannot grow into anything large.
RATIO_FREE_BYTES = MAX_FILE_BYTES
#: What macOS adds to the archives it makes (resource forks): never part of a course.
_IGNORED_TOP_FOLDER = "__MACOSX"
_DRIVE = re.compile(r"^[A-Za-z]:")
_CHUNK = 64 * 1024
#: A fixed date for every entry, so that exporting the same version twice gives the same bytes.
_EXPORT_DATE = (1980, 1, 1, 0, 0, 0)


class ArchiveError(Exception):
    """An archive refused as a whole (the message is in French, for the trainer)."""


@dataclass(frozen=True)
class ZippedCourse:
    """A course read from a zip, and its files as the archive holds them."""

    course: ParsedCourse
    #: Markdown files by path inside the course folder: "course.md", then each
    #: "<module>/module.md" followed by its "<module>/<step>.md".
    texts: dict[str, str]
    #: Images by path inside the course folder, e.g. "images/schema.png".
    images: dict[str, bytes]


def export_course_zip(version: CourseVersion) -> bytes:
    """The files `export_version` writes for `version`, as a zip holding the folder `<slug>/`."""
    files = version_files(version)
    return course_zip(
        version.course.slug,
        {
            **{path: text.encode("utf-8") for path, text in files.texts.items()},
            **{path: image.data for path, image in files.images.items()},
        },
    )


def course_zip(slug: str, files: Mapping[str, bytes]) -> bytes:
    """A zip holding the folder `<slug>/` with `files` (by path inside the course folder), in
    the order of their paths: the same files always give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files, key=lambda path: PurePosixPath(path).parts):
            entry = zipfile.ZipInfo(f"{slug}/{path}", _EXPORT_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = (stat.S_IFREG | 0o644) << 16
            archive.writestr(entry, files[path])
    return buffer.getvalue()


def read_course_zip(
    data: bytes, name: str = "archive.zip", audience_codes: Iterable[str] | None = None
) -> tuple[ParsedCourse | None, list[Problem]]:
    """The course of the zip `data`, ready for `import_parsed_courses`, and every problem found.

    The course is None if there is an error: in the archive itself (reported on `name`, line 1),
    or in the course's files, reported as in `flask courses check` with paths inside the archive
    (« sante/01-…/02-….md:14 »). Its audiences are checked against `audience_codes` (by default
    the professions of the database), its prerequisites against the courses of the database.
    """
    zipped, problems = read_zipped_course(data, name, audience_codes)
    return (zipped.course if zipped is not None else None), problems


def read_zipped_course(
    data: bytes, name: str = "archive.zip", audience_codes: Iterable[str] | None = None
) -> tuple[ZippedCourse | None, list[Problem]]:
    """As `read_course_zip`, with the course's files as the archive holds them (only those
    the course is made of: a file the parser ignores is left out, after its warning)."""
    codes = known_audience_codes() if audience_codes is None else audience_codes
    with tempfile.TemporaryDirectory(prefix="course-zip-") as temporary:
        root = Path(temporary)
        try:
            top = _unpack(data, root)
        except ArchiveError as error:
            return None, [Problem(Path(name), 1, str(error))]
        courses, problems = load_catalogue([root / top], codes, known_course_slugs)
        problems = [_inside_archive(problem, root) for problem in problems]
        if not courses or any(problem.is_error for problem in problems):
            return None, problems
        [course] = courses
        texts = _course_texts(root / top, course)
    course.source = Path(top)
    course.warnings = [_inside_archive(problem, root) for problem in course.warnings]
    images = {asset.path: asset.data for asset in course.assets}
    return ZippedCourse(course, texts, images), problems


def _course_texts(folder: Path, course: ParsedCourse) -> dict[str, str]:
    """The Markdown files of `course`, read from its folder as the parser read them."""
    paths = ["course.md"]
    for module in course.modules:
        paths.append(f"{module.key}/module.md")
        paths.extend(f"{step.key}.md" for step in module.steps)
    if course.fiche is not None:
        paths.append(FICHE_FILE)
    problems: list[Problem] = []
    texts = {path: read_text(folder / path, problems) for path in paths}
    return {path: text for path, text in texts.items() if text is not None}


def import_course_zip(
    data: bytes,
    name: str = "archive.zip",
    audience_codes: Iterable[str] | None = None,
    *,
    accept_review_notes: bool = True,
) -> ImportResult:
    """Publish the course of the zip `data` as `import_courses` publishes a folder.

    Raises CourseFormatError (the archive refused, or the course's errors), having written
    nothing; ReviewNotesError as `import_courses` does. Flushes, never commits.
    """
    course, problems = read_course_zip(data, name, audience_codes)
    if course is None:
        raise CourseFormatError(problems)
    [result] = import_parsed_courses([course], accept_review_notes=accept_review_notes)
    return result


def _inside_archive(problem: Problem, root: Path) -> Problem:
    """`problem` with its path relative to the archive instead of the temporary directory."""
    return dataclasses.replace(problem, path=problem.path.relative_to(root))


def _unpack(data: bytes, root: Path) -> str:
    """Write the course folder of the zip `data` into `root`; return its name.

    Raises ArchiveError, before writing anything when the entries' names or declared sizes are
    refused, and as soon as the bytes read pass a limit.
    """
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(
            f"archive trop volumineuse : plus de {MAX_ARCHIVE_BYTES // _MEGABYTE} Mo"
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ArchiveError(
            "ce fichier n'est pas une archive zip lisible : compressez le dossier du cours"
            " au format zip"
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise ArchiveError(
                f"archive refusée : {len(entries)} fichiers et dossiers, pour un maximum de"
                f" {MAX_ENTRIES}"
            )
        kept = []
        for entry in entries:
            parts = _safe_parts(entry)
            if parts[0] != _IGNORED_TOP_FOLDER:
                kept.append((entry, parts))
        _check_sizes(entry for entry, _parts in kept)
        top = _course_folder(kept)
        budget = MAX_UNPACKED_BYTES
        for entry, parts in kept:
            budget -= _extract(archive, entry, root.joinpath(*parts), budget)
    return top


def _safe_parts(entry: zipfile.ZipInfo) -> list[str]:
    """The parts of the entry's path, after refusing any that could point outside the folder,
    a link, or an entry that cannot be read."""
    name = entry.filename
    if "\\" in name:
        raise ArchiveError(
            f"chemin refusé dans l'archive : « {name} » contient une barre oblique inverse (\\) ;"
            " créez l'archive avec un outil qui sépare les dossiers par « / »"
        )
    if name.startswith("/") or _DRIVE.match(name):
        raise ArchiveError(f"chemin absolu refusé dans l'archive : « {name} »")
    parts = name.removesuffix("/").split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ArchiveError(
            f"chemin refusé dans l'archive : « {name} » sort du dossier du cours ou contient"
            " un dossier vide, « . » ou « .. »"
        )
    if any(not character.isprintable() for character in name):
        raise ArchiveError(f"nom de fichier refusé dans l'archive : « {name!r} »")
    mode = entry.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise ArchiveError(
            f"lien symbolique refusé dans l'archive : « {name} » ; placez le fichier lui-même"
        )
    if entry.flag_bits & 0x1:
        raise ArchiveError(
            f"archive chiffrée : « {name} » est protégé par un mot de passe ; créez l'archive"
            " sans mot de passe"
        )
    return parts


def _check_sizes(entries: Iterable[zipfile.ZipInfo]) -> None:
    """Refuse the archive on the sizes its headers declare, before unpacking anything."""
    total = 0
    for entry in entries:
        if entry.file_size > _entry_limit(entry):
            raise _ratio_error(entry)
        total += entry.file_size
        if total > MAX_UNPACKED_BYTES:
            raise _size_error()


def _entry_limit(entry: zipfile.ZipInfo) -> int:
    return max(RATIO_FREE_BYTES, entry.compress_size * MAX_RATIO)


def _ratio_error(entry: zipfile.ZipInfo) -> ArchiveError:
    return ArchiveError(
        f"archive refusée : « {entry.filename} » se décompresse plus de {MAX_RATIO} fois plus"
        " gros qu'il n'est compressé, ce qui signale une bombe de décompression"
    )


def _size_error() -> ArchiveError:
    return ArchiveError(
        f"archive refusée : plus de {MAX_UNPACKED_BYTES // _MEGABYTE} Mo une fois décompressée"
    )


def _course_folder(entries: list[tuple[zipfile.ZipInfo, list[str]]]) -> str:
    """The one top folder holding course.md, after refusing duplicate or clashing entries."""
    files: set[tuple[str, ...]] = set()
    folders: set[tuple[str, ...]] = set()
    for entry, parts in entries:
        for depth in range(1, len(parts)):
            folders.add(tuple(parts[:depth]))
        if entry.is_dir():
            folders.add(tuple(parts))
        elif tuple(parts) in files:
            raise ArchiveError(f"« {entry.filename} » figure deux fois dans l'archive")
        else:
            files.add(tuple(parts))
    if clash := files & folders:
        shown = "/".join(min(clash))
        raise ArchiveError(f"« {shown} » est à la fois un fichier et un dossier dans l'archive")
    example = "par exemple sante/course.md, sante/01-…/module.md"
    if ("course.md",) in files:
        raise ArchiveError(
            "course.md est à la racine de l'archive : compressez le dossier du cours lui-même,"
            f" nommé d'après son slug ({example})"
        )
    tops = sorted({parts[0] for parts in files | folders if not parts[0].startswith(".")})
    if len(tops) > 1:
        raise ArchiveError(
            "une archive contient un seul cours, dans un seul dossier nommé d'après son slug ;"
            f" celle-ci contient : {', '.join(tops)}"
        )
    if not tops or (tops[0], "course.md") not in files:
        raise ArchiveError(
            "aucun fichier course.md dans l'archive : elle contient le dossier du cours"
            f" ({example})"
        )
    return tops[0]


def _extract(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, target: Path, budget: int) -> int:
    """Write one entry at `target`; return the bytes written, never more than `budget`."""
    if entry.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with archive.open(entry) as source, target.open("xb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > budget:
                    raise _size_error()
                if written > _entry_limit(entry):
                    raise _ratio_error(entry)
                out.write(chunk)
    except NotImplementedError:
        raise ArchiveError(
            f"méthode de compression non prise en charge pour « {entry.filename} » : utilisez"
            " la compression zip standard (Deflate)"
        ) from None
    except (zipfile.BadZipFile, EOFError, ValueError) as error:
        raise ArchiveError(
            f"archive endommagée : « {entry.filename} » ne peut pas être lu ({error})"
        ) from None
    return written
