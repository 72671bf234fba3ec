"""The `prerequisites` setting of course.md: read, checked against the catalogue (and the courses
already published), stored on the version, exported, and in the content hash only when set."""

from pathlib import Path

import pytest

from training.content import services
from training.content.parser import parse_course
from training.content.problems import CourseFormatError
from training.content.validation import DEFAULT_AUDIENCE_CODES, load_catalogue, validate_catalogue

from .conftest import CATALOGUE, EXAMPLE, CourseFolder, copy_example

TRACKS = ("enseignants", "forces-securite", "inspection-travail", "magistrats", "sante")


def needing(course: CourseFolder, *slugs: str) -> None:
    """Give the course the prerequisites `slugs`, written as in the catalogue."""
    lines = "".join(f"  - {slug}\n" for slug in slugs)
    course.replace("course.md", "estimated_minutes:", f"prerequisites:\n{lines}estimated_minutes:")


def messages(problems) -> list[tuple[Path, int, str]]:
    return [(problem.path, problem.line, problem.message) for problem in problems]


def test_prerequisites_are_read_in_order(tmp_path):
    course = copy_example(tmp_path, "suite")
    needing(course, "socle-commun", "exemple-cours")

    assert parse_course(course.path).prerequisites == ["socle-commun", "exemple-cours"]
    assert parse_course(EXAMPLE).prerequisites == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("socle-commun", "prerequisites : liste de slugs attendue (par exemple [socle-commun])"),
        ("[Socle Commun]", "prerequisites : slug invalide « Socle Commun »"),
        ("[socle-commun, socle-commun]", "prerequisites : cours en double"),
        ("[exemple-cours]", "un cours ne peut pas être son propre prérequis"),
    ],
)
def test_a_wrong_value_is_an_error_on_its_line(course, value, message):
    course.replace("course.md", "estimated_minutes:", f"prerequisites: {value}\nestimated_minutes:")

    with pytest.raises(CourseFormatError) as error:
        parse_course(course.path)

    [problem] = error.value.errors
    assert (problem.path, problem.line) == (
        course / "course.md",
        course.line_of("course.md", "prerequisites:"),
    )
    assert problem.message.startswith(message)


def test_an_unknown_prerequisite_is_an_error_of_the_catalogue(course):
    needing(course, "socle-commun")

    problems = validate_catalogue(course.path.parent, DEFAULT_AUDIENCE_CODES)

    assert messages(problems) == [
        (
            course / "course.md",
            course.line_of("course.md", "prerequisites:"),
            "prérequis inconnu « socle-commun » : aucun cours de ce slug dans le catalogue",
        )
    ]
    published = validate_catalogue(
        course.path.parent, DEFAULT_AUDIENCE_CODES, lambda: {"socle-commun"}
    )
    assert published == []


def test_a_prerequisite_of_the_same_catalogue_is_known_whatever_the_order(tmp_path):
    first = copy_example(tmp_path, "a-suite")
    copy_example(tmp_path, "z-base")
    needing(first, "z-base")

    courses, problems = load_catalogue([tmp_path], DEFAULT_AUDIENCE_CODES)

    assert problems == []
    assert [course.slug for course in courses] == ["a-suite", "z-base"]


def test_prerequisites_in_a_circle_are_an_error(tmp_path):
    first = copy_example(tmp_path, "premier")
    second = copy_example(tmp_path, "second")
    needing(first, "second")
    needing(second, "premier")

    courses, problems = load_catalogue([tmp_path], DEFAULT_AUDIENCE_CODES)

    assert courses == []
    assert [problem.message for problem in problems] == [
        "prérequis circulaires : premier → second → premier",
        "prérequis circulaires : second → premier → second",
    ]


def test_the_catalogue_tracks_need_the_common_core():
    for slug in TRACKS + ("travail-social",):
        assert parse_course(CATALOGUE / slug).prerequisites == ["socle-commun"], slug
    assert parse_course(CATALOGUE / "socle-commun").prerequisites == []
    assert validate_catalogue(CATALOGUE, DEFAULT_AUDIENCE_CODES) == []


def test_a_course_alone_imports_once_its_prerequisite_is_published(app):
    with app.app_context():
        with pytest.raises(CourseFormatError, match="prérequis inconnu « socle-commun »"):
            services.import_courses([CATALOGUE / "sante"])
        services.import_courses([CATALOGUE / "socle-commun"])

        [result] = services.import_courses([CATALOGUE / "sante"])

        assert result.status == "created"
        assert services.latest_version("sante").prerequisites == ["socle-commun"]
        assert services.latest_version("socle-commun").prerequisites == []


def test_prerequisites_survive_an_export_and_count_in_the_hash(app, tmp_path):
    course = copy_example(tmp_path / "source", "suite")
    with app.app_context():
        services.import_courses([EXAMPLE])
        unset = parse_course(course.path).content_hash
        needing(course, "exemple-cours")
        assert parse_course(course.path).content_hash != unset
        services.import_courses([course.path])
        version = services.latest_version("suite")

        folder = services.export_version(version, tmp_path / "export")

        written = (folder / "course.md").read_text()
        assert "prerequisites:\n- exemple-cours\n" in written
        assert parse_course(folder).content_hash == version.content_hash
        [result] = services.import_courses([folder])
        assert (result.status, result.version_number) == ("unchanged", 1)
        example = services.export_version(services.latest_version("exemple-cours"), tmp_path)
        assert "prerequisites" not in (example / "course.md").read_text()


def test_an_empty_list_is_no_prerequisite_and_leaves_the_hash_alone(app, course):
    """The setting counts in the hash only when set: adding it published no new version of the
    courses that do not use it."""
    before = parse_course(course.path).content_hash
    course.replace("course.md", "estimated_minutes:", "prerequisites: []\nestimated_minutes:")

    parsed = parse_course(course.path)

    assert parsed.prerequisites == []
    assert parsed.content_hash == before
    with app.app_context():
        services.import_courses([course.path])
        assert services.latest_version("exemple-cours").prerequisites == []
