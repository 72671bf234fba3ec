"""Review notes (`::: a-valider`): found with their step and line, never shown to learners,
publishing refused without an admin's confirmation, stored HTML re-rendered."""

import html
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import complete_course
from training.accounts.models import Role
from training.content import services
from training.content.models import Step
from training.content.parser import parse_course
from training.content.review import find_review_notes
from training.extensions import db

from .conftest import (
    CATALOGUE,
    EXAMPLE,
    LESSON,
    QUIZ,
    catalogue_courses,
    copy_example,
    with_prerequisites,
)

_TAG = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """The visible text of some HTML (or Markdown), whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub(" ", text)).split())


def note_snippets(folder: Path) -> list[str]:
    """A distinctive piece of each note's text, as a learner would read it."""
    snippets = []
    for located in parse_course(folder).located_review_notes():
        words = re.sub(r"[*_`\[\]()>#]", " ", located.note.text).split()
        snippets.append(" ".join(words[:8]))
    return snippets


def test_find_review_notes_gives_line_title_and_text():
    text = (
        "Intro.\n\n::: a-valider Article 225-4-1\nVérifier *la* référence.\n:::\n\n"
        "```markdown\n::: a-valider\nUn exemple, pas une note.\n:::\n```\n\n"
        "- point\n\n  ::: a-valider\n  Dans une liste.\n  :::\n"
    )

    notes = find_review_notes(text, first_line=5)

    assert [(n.line, n.title, n.text) for n in notes] == [
        (7, "Article 225-4-1", "Vérifier *la* référence."),
        (19, "", "Dans une liste."),
    ]


def test_a_note_in_a_choice_feedback_is_found_in_its_quiz(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace(QUIZ, "  > Oui.\n", "  > Oui.\n  >\n  > ::: a-valider\n  > Sûr ?\n  > :::\n")

    notes = [n for n in parse_course(course.path).located_review_notes() if n.step_key == QUIZ[:-3]]

    assert [(n.line, n.note.text) for n in notes] == [
        (course.line_of(QUIZ, "> ::: a-valider"), "Sûr ?")
    ]
    with app.app_context():
        services.import_courses([course.path])
        version = services.latest_version("exemple-cours")
        stored = [n for n in services.review_notes(version) if n.step_key == QUIZ[:-3]]
        assert [n.note.text for n in stored] == ["Sûr ?"]
        assert services.has_review_notes(version)
        quiz = services.find_step(version, QUIZ[:-3])
        assert all("Sûr" not in c.feedback_html for q in quiz.questions for c in q.choices)


@pytest.mark.parametrize("folder", catalogue_courses(), ids=lambda path: path.name)
def test_every_note_of_the_catalogue_is_found_with_its_step_and_line(folder):
    notes = parse_course(folder).located_review_notes()
    on_disk = [
        (path, number)
        for path in sorted(folder.rglob("*.md"))
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), 1)
        if re.match(r"^\s*:{3,}\s*a-valider\b", line)
    ]

    assert sorted((n.path, n.line) for n in notes) == on_disk
    for note in notes:
        assert note.step_key
        assert note.step_title
        assert note.note.text


def test_the_catalogue_holds_about_110_notes():
    """docs/catalogue.md plans the review around this many notes: a sudden change means
    notes were lost or added without the plan."""
    total = sum(len(parse_course(f).located_review_notes()) for f in catalogue_courses())
    assert 95 <= total <= 125


@pytest.mark.parametrize("folder", catalogue_courses(), ids=lambda path: path.name)
def test_notes_read_from_the_database_point_at_the_catalogue_files(app, folder):
    expected = [
        (n.path.relative_to(CATALOGUE), n.line, n.note.text, n.step_key)
        for n in parse_course(folder).located_review_notes()
    ]
    with app.app_context():
        services.import_courses(with_prerequisites(folder))
        version = services.latest_version(folder.name)
        stored = [(n.path, n.line, n.note.text, n.step_key) for n in services.review_notes(version)]

        assert stored == expected
        assert services.has_review_notes(version) is bool(expected)


def visit(client, url: str) -> str:
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("folder", [EXAMPLE, *catalogue_courses()], ids=lambda path: path.name)
def test_no_learner_page_contains_a_review_note(app, login_as, folder):
    """Every page a learner reaches from course Markdown: course page, module links, every step,
    every quiz's questions and its result with feedback and explanations."""
    slug = folder.name
    with app.app_context():
        services.import_courses(with_prerequisites(folder))
        db.session.commit()
        keys = db.session.scalars(
            sa.select(Step.key)
            .join(Step.version)
            .where(Step.version_id == services.latest_version(slug).id)
            .order_by(Step.module_id, Step.position)
        ).all()
        quiz_keys = set(
            db.session.scalars(sa.select(Step.key).where(Step.kind == "quiz", Step.key.in_(keys)))
        )
    snippets = note_snippets(folder)
    assert snippets
    client = login_as(Role.LEARNER)
    for prerequisite in with_prerequisites(folder)[:-1]:
        complete_course(app, client.user, prerequisite.name)
    course_page = visit(client, f"/formations/{slug}/")
    client.post(
        f"/formations/{slug}/inscription",
        data={"csrf_token": csrf_token(client, f"/formations/{slug}/")},
    )
    pages = {"course page": course_page, "catalogue": visit(client, "/formations")}
    for key in keys:
        module_key = key.split("/")[0]
        pages[f"{module_key}/"] = visit(client, f"/formations/{slug}/{module_key}/")
        pages[key] = visit(client, f"/formations/{slug}/{key}")
        if key in quiz_keys:
            started = client.post(
                f"/formations/{slug}/{key}/tentative", data={"csrf_token": csrf_token(client)}
            )
            attempt_url = started.headers["Location"]
            pages[f"{key} questions"] = visit(client, attempt_url)
            submitted = client.post(
                attempt_url,
                data={"csrf_token": csrf_token(client, attempt_url)}
                | dict(re.findall(r'name="(q\d+)" value="(\d+)"', pages[f"{key} questions"])),
            )
            assert submitted.status_code in (302, 422)
            pages[f"{key} result"] = visit(client, attempt_url)
    for where, page in pages.items():
        text = plain(page)
        assert "À valider" not in text, where
        assert 'fr-alert--warning">\n<p class="fr-alert__title"' not in page, where
        for snippet in snippets:
            assert plain(snippet) not in text, f"{where}: {snippet}"
    assert "Contenu en cours de validation" in course_page


def test_a_course_without_notes_has_no_notice(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace(LESSON, "::: a-valider\n", "::: attention\n")
    with app.app_context():
        services.import_courses([course.path])
        db.session.commit()
    page = app.test_client().get("/formations/exemple-cours/").get_data(as_text=True)
    assert "Contenu en cours de validation" not in page


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["courses", *map(str, args)])


def test_import_refuses_a_course_with_notes_without_confirmation(app, tmp_path):
    course = copy_example(tmp_path)

    refused = run(app, "import", tmp_path)

    line = course.line_of(LESSON, "::: a-valider")
    assert refused.exit_code == 1
    assert f"{course / LESSON}:{line}: à valider : Exemple de passage" in refused.output
    assert "--accept-review-notes" in refused.output
    assert "Aucun cours n'a été modifié." in refused.output
    with app.app_context():
        assert services.latest_version("exemple-cours") is None

    accepted = run(app, "import", "--accept-review-notes", tmp_path)
    unchanged = run(app, "import", tmp_path)

    assert accepted.exit_code == 0, accepted.output
    assert "exemple-cours : créé (version 1)" in accepted.output
    # Nothing to publish: an unchanged course is not refused again.
    assert unchanged.exit_code == 0, unchanged.output
    assert "inchangé" in unchanged.output


def test_import_of_a_course_whose_notes_were_resolved_needs_no_confirmation(app, tmp_path):
    course = copy_example(tmp_path)
    course.replace(LESSON, "::: a-valider\n", "::: attention\n")

    result = run(app, "import", tmp_path)

    assert result.exit_code == 0, result.output


def test_rerender_brings_old_html_up_to_date_and_is_idempotent(app):
    with app.app_context():
        services.import_courses([EXAMPLE])
        version = services.latest_version("exemple-cours")
        assert services.rerender_versions()[1] == 0
        lesson = services.find_step(version, LESSON.removesuffix(".md"))
        # What a database rendered before this version of the renderer holds.
        lesson.body_html += '<div class="fr-alert fr-alert--warning"><p>Exemple</p></div>'
        db.session.commit()

    first = run(app, "rerender")
    second = run(app, "rerender")

    assert first.exit_code == second.exit_code == 0
    assert first.output == "1 version relue : 1 texte mis à jour.\n"
    assert second.output == "1 version relue : aucun texte à mettre à jour.\n"
    with app.app_context():
        version = services.latest_version("exemple-cours")
        assert "fr-alert" not in services.find_step(version, LESSON.removesuffix(".md")).body_html
