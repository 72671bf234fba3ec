"""Import and export against the database: versions, idempotence, atomicity, round trips."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from training.accounts.models import Profession
from training.content import services
from training.content.models import (
    Choice,
    Course,
    CourseAsset,
    CourseVersion,
    Module,
    Question,
    Step,
)
from training.content.parser import parse_course
from training.content.validation import DEFAULT_AUDIENCE_CODES
from training.extensions import db

from .conftest import (
    EXAMPLE,
    LESSON,
    QUIZ,
    catalogue_courses,
    copy_example,
    with_prerequisites,
)

CONTENT_TABLES = (Course, CourseVersion, Module, Step, Question, Choice, CourseAsset)


def row_counts() -> dict[str, int]:
    return {
        model.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in CONTENT_TABLES
    }


def snapshot(version_id: int) -> list[tuple]:
    """Every column of every row of a version, to show that nothing touched them."""
    rows = []
    for model in (CourseVersion, Module, Step, CourseAsset):
        column = model.id if model is CourseVersion else model.version_id
        for row in db.session.execute(sa.select(model.__table__).where(column == version_id)):
            rows.append((model.__tablename__, *row))
    step_ids = sa.select(Step.id).where(Step.version_id == version_id)
    question_ids = sa.select(Question.id).where(Question.step_id.in_(step_ids))
    for table, where in (
        (Question.__table__, Question.step_id.in_(step_ids)),
        (Choice.__table__, Choice.question_id.in_(question_ids)),
    ):
        rows += [(table.name, *row) for row in db.session.execute(sa.select(table).where(where))]
    return sorted(rows, key=repr)


def step_hashes(version: CourseVersion) -> dict[str, str]:
    return {step.key: step.content_hash for module in version.modules for step in module.steps}


def test_importing_the_example_stores_every_part(app):
    with app.app_context():
        [result] = services.import_courses([EXAMPLE])
        db.session.commit()

        assert (result.slug, result.status, result.version_number) == (
            "exemple-cours",
            "created",
            1,
        )
        assert result.describe() == "exemple-cours : créé (version 1)"
        version = services.latest_version("exemple-cours")
        assert version.number == 1
        assert version.content_hash == parse_course(EXAMPLE).content_hash
        assert version.audiences == ["autre"]
        lesson = version.modules[0].steps[0]
        assert "::: a-valider" in lesson.body_md
        assert "fr-alert" not in lesson.body_html  # review notes never reach learners
        assert "Exemple de passage" not in lesson.body_html
        quiz = version.modules[1].steps[0]
        assert (quiz.key, quiz.kind, quiz.max_attempts, quiz.shuffle) == (
            "02-verifier/01-quiz",
            "quiz",
            3,
            True,
        )
        assert quiz.effective_pass_mark == 80
        assert [question.kind for question in quiz.questions] == [
            "single",
            "multiple",
            "true_false",
        ]
        assert [choice.is_correct for choice in quiz.questions[1].choices] == [True, True, False]
        assert row_counts() == {
            "courses": 1,
            "course_versions": 1,
            "course_modules": 2,
            "course_steps": 3,
            "quiz_questions": 3,
            "quiz_choices": 7,
            "course_assets": 1,
        }


def test_an_asset_is_served_from_the_database(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        version = services.latest_version("exemple-cours")

        asset = services.get_asset(version.id, "images/trois-elements.svg")

        assert asset.content_type == "image/svg+xml"
        assert asset.data == (EXAMPLE / "images" / "trois-elements.svg").read_bytes()
        assert services.get_asset(version.id, "images/absente.png") is None
        assert services.get_asset(version.id + 1, "images/trois-elements.svg") is None


def test_reimporting_unchanged_content_creates_nothing(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        before = row_counts()

        [result] = services.import_courses([EXAMPLE])

        assert (result.status, result.version_number) == ("unchanged", 1)
        assert result.describe() == "exemple-cours : inchangé (version 1)"
        assert row_counts() == before


def test_changed_content_is_a_new_version_and_the_old_one_is_untouched(app, tmp_path):
    course = copy_example(tmp_path)
    with app.app_context():
        services.import_courses([course.path])
        first = services.latest_version("exemple-cours")
        first_id, first_rows = first.id, snapshot(first.id)
        course.replace(LESSON, "trois éléments :", "trois éléments, que voici :")

        [result] = services.import_courses([course.path])
        db.session.commit()
        db.session.expire_all()

        assert (result.status, result.version_number) == ("new_version", 2)
        assert result.describe() == "exemple-cours : nouvelle version 2"
        assert snapshot(first_id) == first_rows
        second = services.latest_version("exemple-cours")
        assert second.number == 2
        assert services.find_version("exemple-cours", 1).id == first_id
        first_steps = step_hashes(db.session.get(CourseVersion, first_id))
        second_steps = step_hashes(second)
        changed = [key for key in first_steps if first_steps[key] != second_steps[key]]
        assert changed == [LESSON.removesuffix(".md")]


def test_a_failed_import_changes_nothing(app, tmp_path):
    good = copy_example(tmp_path, "cours-valide")
    bad = copy_example(tmp_path, "cours-casse")
    bad.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    with app.app_context():
        services.import_courses([good.path])
        good.replace(LESSON, "trois éléments :", "trois éléments, que voici :")
        before = row_counts()

        with pytest.raises(services.CourseFormatError) as error:
            services.import_courses([tmp_path])

        assert [problem.path for problem in error.value.errors] == [bad / QUIZ]
        assert row_counts() == before
        assert services.latest_version("cours-valide").number == 1
        assert services.latest_version("cours-casse") is None


def test_a_failed_import_lists_step_and_catalogue_errors_together(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "- (x) Faux", "- ( ) Faux")
    course.replace("course.md", "  - autre", "  - pompier")
    with app.app_context():
        before = row_counts()

        with pytest.raises(services.CourseFormatError) as error:
            services.import_courses([course.path])

        assert [(problem.path, problem.message[:20]) for problem in error.value.errors] == [
            (course / QUIZ, "aucune bonne réponse"),
            (course / "course.md", "public inconnu « pom"),
        ]
        assert row_counts() == before


def test_audience_codes_come_from_the_professions_table(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace("course.md", "  - autre", "  - pompier")
    with app.app_context():
        assert services.known_audience_codes() == DEFAULT_AUDIENCE_CODES
        with pytest.raises(services.CourseFormatError, match="public inconnu « pompier »"):
            services.import_courses([course.path])

        db.session.add(Profession(code="pompier", name="Sapeur-pompier", position=50))

        assert "pompier" in services.known_audience_codes()
        assert services.import_courses([course.path])[0].status == "created"


def export_and_reimport(slug: str, destination: Path):
    version = services.latest_version(slug)
    folder = services.export_version(version, destination)
    assert folder == destination / slug
    assert parse_course(folder).content_hash == version.content_hash
    [result] = services.import_courses([folder])
    assert (result.status, result.version_number) == ("unchanged", version.number)
    return folder


def test_the_example_course_survives_an_export_round_trip(app, tmp_path):
    with app.app_context():
        services.import_courses([EXAMPLE])
        folder = export_and_reimport("exemple-cours", tmp_path)

        assert (folder / "images/trois-elements.svg").read_bytes() == (
            EXAMPLE / "images/trois-elements.svg"
        ).read_bytes()
        assert sorted(path.relative_to(folder) for path in folder.rglob("*.md")) == sorted(
            path.relative_to(EXAMPLE) for path in EXAMPLE.rglob("*.md")
        )


@pytest.mark.parametrize("folder", catalogue_courses(), ids=lambda path: path.name)
def test_every_catalogue_course_survives_an_export_round_trip(app, tmp_path, folder):
    with app.app_context():
        services.import_courses(with_prerequisites(folder))
        export_and_reimport(folder.name, tmp_path)


def test_an_older_version_can_be_exported(app, tmp_path):
    course = copy_example(tmp_path / "source")
    with app.app_context():
        services.import_courses([course.path])
        course.replace(QUIZ, "max_attempts: 3\n", "")
        services.import_courses([course.path])

        folder = services.export_version(
            services.find_version("exemple-cours", 1), tmp_path / "export"
        )

        assert "max_attempts: 3" in (folder / QUIZ).read_text()
        assert parse_course(folder).content_hash == parse_course(EXAMPLE).content_hash


def test_export_refuses_a_folder_that_is_not_empty(app, tmp_path):
    (tmp_path / "exemple-cours").mkdir()
    (tmp_path / "exemple-cours" / "ancien.md").write_text("x")
    with app.app_context():
        services.import_courses([EXAMPLE])
        with pytest.raises(services.ExportError, match="existe déjà et n'est pas vide"):
            services.export_version(services.latest_version("exemple-cours"), tmp_path)


def test_a_version_number_is_unique_per_course(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        version = services.latest_version("exemple-cours")
        db.session.add(
            CourseVersion(
                course_id=version.course_id,
                number=1,
                content_hash="0" * 64,
                title="Doublon",
                summary="",
                audiences=[],
                estimated_minutes=1,
                pass_mark=50,
                presentation_md="",
                presentation_html="",
            )
        )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()


def make_huge(course):
    (course / LESSON).write_bytes(b"---\nkind: lesson\ntitle: L\n---\n" + b"x" * 5 * 1024 * 1024)


BAD_EDITS = {
    "javascript link": lambda c: c.append(LESSON, "\n[x](javascript:alert(1))\n"),
    "image outside": lambda c: c.append(LESSON, "\n![x](../../../etc/passwd)\n"),
    "5 MB step": make_huge,
    "10,000 nested lists": lambda c: c.append(LESSON, "\n" + "- " * 10_000 + "x\n"),
    "invalid UTF-8": lambda c: (c / LESSON).write_bytes(b"---\nkind: lesson\n\xff\n---\n"),
    "python object": lambda c: c.replace(LESSON, "title:", "title: !!python/object:os.system"),
    "0 choices": lambda c: c.write(QUIZ, "---\nkind: quiz\ntitle: Q\n---\n## Q ?\n"),
    "200 choices": lambda c: c.append(QUIZ, "\n## Q ?\n\n" + "- [x] c\n  > r\n" * 200),
}


@pytest.mark.parametrize("edit", BAD_EDITS.values(), ids=BAD_EDITS)
def test_bad_input_in_one_course_imports_nothing_at_all(app, tmp_path, edit):
    copy_example(tmp_path, "cours-valide")
    edit(copy_example(tmp_path, "cours-casse"))
    with app.app_context():
        before = row_counts()
        with pytest.raises(services.CourseFormatError) as error:
            services.import_courses([tmp_path])
        assert all("cours-casse" in problem.path.parts for problem in error.value.errors)
        assert row_counts() == before
