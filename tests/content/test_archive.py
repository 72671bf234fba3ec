"""A course as a zip: export, round trip, and every hostile archive refused with its message."""

import io
import stat
import struct
import tempfile
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from training.content import archive, services
from training.content.models import Course
from training.content.parser import parse_course, read_course
from training.content.validation import DEFAULT_AUDIENCE_CODES
from training.extensions import db

from .conftest import CATALOGUE, EXAMPLE, LESSON, QUIZ, copy_example

SANTE = CATALOGUE / "sante"
#: The course the health track names as prerequisite, published before it.
COMMON_CORE = CATALOGUE / "socle-commun"


def zip_folder(folder: Path, top: str | None = None) -> bytes:
    """A zip of `folder` under the top folder `top` (by default its name), as a trainer makes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as made:
        for path in sorted(folder.rglob("*")):
            made.write(path, Path(top or folder.name, path.relative_to(folder)).as_posix())
    return buffer.getvalue()


def zip_of(*entries: tuple[str | zipfile.ZipInfo, bytes], base: Path | None = EXAMPLE) -> bytes:
    """The example course zipped (unless `base` is None), then the entries given."""
    buffer = io.BytesIO(zip_folder(base) if base else b"")
    with zipfile.ZipFile(buffer, "a" if base else "w", zipfile.ZIP_DEFLATED) as made:
        for name, data in entries:
            made.writestr(name, data)
    return buffer.getvalue()


def read(data: bytes) -> tuple:
    return archive.read_course_zip(data, "cours.zip", DEFAULT_AUDIENCE_CODES)


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Path:
    """The only place the archive module may write: its temporary directories go here."""
    folder = tmp_path / "scratch"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_a_catalogue_course_survives_a_zip_round_trip(app):
    with app.app_context():
        services.import_courses([COMMON_CORE, SANTE])
        version = services.latest_version("sante")

        data = services.export_course_zip(version)
        course, problems = services.read_course_zip(data, "sante.zip")
        result = services.import_course_zip(data, "sante.zip")

        with zipfile.ZipFile(io.BytesIO(data)) as exported:
            names = exported.namelist()
        assert "sante/course.md" in names
        assert all(name.startswith("sante/") for name in names)
        assert data == services.export_course_zip(version)  # same version, same bytes
        assert problems == []
        assert course.content_hash == version.content_hash == parse_course(SANTE).content_hash
        assert (result.status, result.version_number) == ("unchanged", 1)


def test_a_zipped_folder_imports_as_the_folder_does(app, scratch):
    with app.app_context():
        services.import_courses([COMMON_CORE])
        result = services.import_course_zip(zip_folder(SANTE), "sante.zip")

        version = services.latest_version("sante")
        assert (result.status, result.version_number) == ("created", 1)
        assert version.content_hash == parse_course(SANTE).content_hash
    assert list(scratch.iterdir()) == []  # the temporary directory is gone


def test_problems_are_located_inside_the_archive(tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    course.replace(QUIZ, "  > Oui.\n", "")
    course.replace("course.md", "  - autre", "  - pompier")

    parsed, problems = read(zip_folder(course.path))

    warning_line = course.line_of(QUIZ, "- [x] L'abus")
    assert parsed is None
    assert [str(problem) for problem in problems] == [
        f"exemple-cours/{QUIZ}:{warning_line}: avertissement : choix sans"
        " retour : ajoutez sous le choix une ligne « > … » indentée de deux espaces, qui"
        " explique pourquoi il est juste ou faux",
        f"exemple-cours/{QUIZ}:{course.line_of(QUIZ, '## Pour un mineur')}: aucune bonne"
        " réponse : marquez-la avec « (x) » ou « [x] »",
        f"exemple-cours/course.md:{course.line_of('course.md', 'audiences:')}: public inconnu"
        " « pompier » (codes connus : autre, enseignant, inspection-travail, magistrat, sante,"
        " securite, travail-social)",
    ]


def test_warnings_and_review_notes_are_located_inside_the_archive(tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "  > Oui.\n", "")

    parsed, problems = read(zip_folder(course.path))

    assert parsed.source == Path("exemple-cours")
    assert parsed.warnings == problems
    assert [problem.path for problem in problems] == [Path("exemple-cours", QUIZ)]
    [note] = parsed.located_review_notes()
    assert note.path == Path("exemple-cours/01-decouvrir/01-les-trois-elements.md")


def test_macos_extras_are_left_out(scratch):
    data = zip_of(("__MACOSX/exemple-cours/._course.md", b"\0\5\26\7"), (".DS_Store", b"\0"))

    parsed, problems = read(data)

    assert problems == []
    assert parsed.content_hash == parse_course(EXAMPLE).content_hash


def symlink(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    entry = zipfile.ZipInfo(name)
    entry.create_system = 3  # Unix, where the mode bits say "link"
    entry.external_attr = (stat.S_IFLNK | 0o777) << 16
    return entry, target.encode()


def bomb(name: str, size: int) -> tuple[zipfile.ZipInfo, bytes]:
    entry = zipfile.ZipInfo(name)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry, b"\0" * size


# (archive, what the single problem says)
HOSTILE = {
    "not a zip": (lambda: b"%PDF-1.7 pas une archive", "n'est pas une archive zip lisible"),
    "empty file": (lambda: b"", "n'est pas une archive zip lisible"),
    "truncated zip": (lambda: zip_of()[:-30], "n'est pas une archive zip lisible"),
    "parent folder": (
        lambda: zip_of(("../evil.md", b"x")),
        "chemin refusé dans l'archive : « ../evil.md » sort du dossier du cours",
    ),
    "parent folder inside the course": (
        lambda: zip_of(("exemple-cours/../../evil.md", b"x")),
        "chemin refusé dans l'archive : « exemple-cours/../../evil.md »",
    ),
    "absolute path": (
        lambda: zip_of(("/etc/evil.md", b"x")),
        "chemin absolu refusé dans l'archive : « /etc/evil.md »",
    ),
    "drive letter": (
        lambda: zip_of(("C:/evil.md", b"x")),
        "chemin absolu refusé dans l'archive : « C:/evil.md »",
    ),
    "backslashes": (
        lambda: zip_of(("exemple-cours\\..\\..\\evil.md", b"x")),
        "contient une barre oblique inverse",
    ),
    "control character": (
        lambda: zip_of(("exemple-cours/a\x1b[2J.md", b"x")),
        "nom de fichier refusé dans l'archive",
    ),
    "symbolic link": (
        lambda: zip_of(symlink("exemple-cours/images/lien.svg", "/etc/passwd")),
        "lien symbolique refusé dans l'archive : « exemple-cours/images/lien.svg »",
    ),
    "too many entries": (
        lambda: zip_of(*[(f"exemple-cours/notes/{n}.txt", b"") for n in range(500)]),
        "archive refusée : 511 fichiers et dossiers, pour un maximum de 500",
    ),
    "zip bomb": (
        lambda: zip_of(bomb("exemple-cours/images/bombe.svg", 20 * 1024 * 1024)),
        "« exemple-cours/images/bombe.svg » se décompresse plus de 100 fois plus gros",
    ),
    "no course.md": (
        lambda: zip_of(("exemple-cours/01-decouvrir/module.md", b"---\n"), base=None),
        "aucun fichier course.md dans l'archive",
    ),
    "nothing at all": (lambda: zip_of(base=None), "aucun fichier course.md dans l'archive"),
    "course.md at the root": (
        lambda: zip_of(("course.md", b"---\n"), ("01-decouvrir/module.md", b""), base=None),
        "course.md est à la racine de l'archive : compressez le dossier du cours lui-même",
    ),
    "two courses": (
        lambda: zip_of(("autre-cours/course.md", b"---\n")),
        "une archive contient un seul cours, dans un seul dossier nommé d'après son slug ;"
        " celle-ci contient : autre-cours, exemple-cours",
    ),
    "a file and a folder of the same name": (
        lambda: zip_of(("exemple-cours/images/trois-elements.svg/x.svg", b"<svg/>")),
        "« exemple-cours/images/trois-elements.svg » est à la fois un fichier et un dossier",
    ),
}


@pytest.mark.parametrize(("make", "message"), HOSTILE.values(), ids=HOSTILE)
def test_a_hostile_archive_is_refused_and_writes_nothing(scratch, tmp_path, make, message):
    [problem] = read(make())[1]

    assert (problem.path, problem.line, problem.severity) == (Path("cours.zip"), 1, "error")
    assert message in problem.message
    assert list(scratch.iterdir()) == []
    assert sorted(path.name for path in tmp_path.rglob("*")) == ["scratch"]


def test_an_entry_twice_is_refused(scratch):
    with pytest.warns(UserWarning, match="Duplicate name"):
        data = zip_of(("exemple-cours/course.md", b"---\n"))

    [problem] = read(data)[1]

    assert problem.message == "« exemple-cours/course.md » figure deux fois dans l'archive"


def patch_headers(data: bytes, name: str, **fields: int) -> bytes:
    """`data` with the headers of entry `name` changed: `flags`, `method` or `size`
    (uncompressed)."""
    offsets = {  # field: (offset in the local header, in the central directory header, format)
        "flags": (6, 8, "<H"),
        "method": (8, 10, "<H"),
        "size": (22, 24, "<I"),
    }
    patched = bytearray(data)
    for signature, column in ((b"PK\x03\x04", 0), (b"PK\x01\x02", 1)):
        start = 0
        while (start := patched.find(signature, start)) != -1:
            name_at = start + (30 if column == 0 else 46)
            if patched[name_at : name_at + len(name)] == name.encode():
                for field, value in fields.items():
                    offset, fmt = offsets[field][column], offsets[field][2]
                    struct.pack_into(fmt, patched, start + offset, value)
            start += 4
    return bytes(patched)


def test_an_encrypted_archive_is_refused(scratch):
    name = "exemple-cours/course.md"
    data = patch_headers(zip_folder(EXAMPLE), name, flags=0x1)

    [problem] = read(data)[1]

    assert problem.message.startswith(
        f"archive chiffrée : « {name} » est protégé par un mot de passe"
    )


def test_a_bomb_is_refused_on_its_headers_before_anything_is_unpacked(scratch, monkeypatch):
    data = zip_of(bomb("exemple-cours/images/bombe.svg", 20 * 1024 * 1024))

    def never(*_args, **_kwargs):
        raise AssertionError("an entry was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)

    [problem] = read(data)[1]

    assert "se décompresse plus de 100 fois plus gros" in problem.message


def test_a_bomb_whose_headers_lie_about_its_size_is_refused(scratch):
    name = "exemple-cours/images/bombe.svg"
    data = patch_headers(zip_of(bomb(name, 20 * 1024 * 1024)), name, size=1000)

    [problem] = read(data)[1]

    assert f"archive endommagée : « {name} » ne peut pas être lu" in problem.message
    assert list(scratch.iterdir()) == []


def test_reading_stops_when_the_bytes_pass_the_limit_whatever_the_headers_say(scratch, monkeypatch):
    """Headers can lie: the bytes actually read are counted and reading stops at the limit."""
    reads = []

    class Endless(io.RawIOBase):
        def read(self, size=-1):
            reads.append(size)
            return b"\0" * size

    data = zip_of()
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *_args, **_kwargs: Endless())
    monkeypatch.setattr(archive, "RATIO_FREE_BYTES", 100 * 1024 * 1024)

    [problem] = read(data)[1]

    assert problem.message == "archive refusée : plus de 50 Mo une fois décompressée"
    assert sum(reads) <= archive.MAX_UNPACKED_BYTES + 64 * 1024
    assert list(scratch.iterdir()) == []


def test_an_archive_larger_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_ARCHIVE_BYTES", 1000)

    [problem] = read(zip_of())[1]

    assert problem.message.startswith("archive trop volumineuse : plus de")


def test_too_many_bytes_once_unpacked_are_refused(monkeypatch):
    monkeypatch.setattr(archive, "MAX_UNPACKED_BYTES", 2 * 1024)

    [problem] = read(zip_of())[1]

    assert problem.message.startswith("archive refusée : plus de")


def test_an_unsupported_compression_method_is_refused(scratch):
    name = "exemple-cours/course.md"
    data = patch_headers(zip_folder(EXAMPLE), name, method=99)

    [problem] = read(data)[1]

    assert problem.message.startswith(f"méthode de compression non prise en charge pour « {name} »")


def test_a_course_with_errors_imports_nothing(app):
    with app.app_context():
        data = zip_of(("exemple-cours/03-vide/module.md", b"---\ntitle: Vide\n---\n"))

        with pytest.raises(services.CourseFormatError, match="module sans étape"):
            services.import_course_zip(data, "cours.zip")

        assert db.session.scalar(sa.select(sa.func.count()).select_from(Course)) == 0


def test_a_course_read_with_errors_is_never_published(tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    partial = read_course(course.path).course

    with pytest.raises(ValueError, match="cannot be imported"):
        services.import_parsed_courses([partial])


def test_the_files_of_a_zipped_course_come_back_as_the_archive_holds_them(tmp_path):
    course = copy_example(tmp_path)
    course.append(QUIZ, "\n\n")  # as a trainer saved it: not as the exporter writes it
    course.write("notes.txt", "brouillon personnel")  # ignored by the parser, with a warning
    data = zip_folder(course.path)

    zipped, problems = archive.read_zipped_course(data, "cours.zip", DEFAULT_AUDIENCE_CODES)

    texts = {
        path.relative_to(course.path).as_posix(): path.read_text(encoding="utf-8")
        for path in course.path.rglob("*.md")
    }
    assert zipped.texts == texts
    assert list(zipped.texts)[:3] == ["course.md", "01-decouvrir/module.md", LESSON]
    assert zipped.images == {
        "images/trois-elements.svg": (course / "images" / "trois-elements.svg").read_bytes()
    }
    assert [str(p) for p in problems] == [
        "exemple-cours/notes.txt:1: avertissement : fichier ignoré : il ne fait pas partie du"
        " format des cours"
    ]
    again = archive.course_zip(
        "exemple-cours", {**{p: t.encode() for p, t in texts.items()}, **zipped.images}
    )
    assert archive.read_zipped_course(again, "cours.zip", DEFAULT_AUDIENCE_CODES)[0].texts == texts
