"""The course settings page of a draft: course.md's front matter through a form, checked by the
course checker, with each problem next to its field."""

import html
import re
import shutil

import pytest

from tests.conftest import ROOT, csrf_token
from training.authoring.front_matter import read_front_matter
from training.content.services import import_courses
from training.extensions import db

from . import test_editor_pages
from .conftest import SLUG
from .test_editor_pages import DRAFT, save, stored

#: The fixture: a client of an author of the example course, its draft opened.
author = test_editor_pages.author

SETTINGS = f"{DRAFT}/parametres"
TITLE = "Cours d'exemple : le format des fichiers"


def course_md(client) -> str:
    return stored(client).files["course.md"]


def settings_of(client) -> dict:
    """The form's values for the stored course.md, as a browser would send them back."""
    fields = read_front_matter(course_md(client)).fields
    data = {
        key: str(fields.get(key, ""))
        for key in ("title", "summary", "estimated_minutes", "pass_mark",
                    "certificate_validity_months", "content_notice")
    }  # fmt: skip
    data["audiences"] = fields.get("audiences", [])
    data["prerequisites"] = fields.get("prerequisites", [])
    return data


def post_settings(client, revision: int = 1, **changes):
    data = {**settings_of(client), **changes}
    return client.post(
        SETTINGS, data={"csrf_token": csrf_token(client, SETTINGS), "revision": revision, **data}
    )


def input_value(page: str, name: str) -> str | None:
    """The value of the text field `name`, as the browser shows it."""
    match = re.search(rf'<input[^>]* name="{name}"[^>]* value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else None


def field_errors(page: str, key: str) -> str:
    """The error messages shown under the field `key`, as text."""
    match = re.search(rf'id="{key}-erreurs"[^>]*>(.*?)</div>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def test_the_settings_page_shows_what_course_md_says(author):
    page = author.get(SETTINGS).text

    assert input_value(page, "title") == TITLE
    assert re.search(r'name="audiences" value="autre" checked', page)
    assert re.search(r'name="audiences" value="magistrat">', page)
    assert input_value(page, "pass_mark") == "70"
    assert "Aucune autre formation n&#39;est publiée." in page


def test_saving_changes_the_front_matter_and_nothing_else(author):
    before = read_front_matter(course_md(author))

    response = post_settings(
        author, estimated_minutes="25", audiences=["autre", "sante"], content_notice=""
    )

    assert response.status_code == 302
    assert response.headers["Location"] == SETTINGS
    after = read_front_matter(course_md(author))
    expected = {**before.fields, "estimated_minutes": 25, "audiences": ["autre", "sante"]}
    del expected["content_notice"]
    assert after.fields == expected
    assert list(after.fields) == [key for key in before.fields if key != "content_notice"]
    assert after.rest == before.rest
    assert stored(author).revision == 2
    page = author.get(SETTINGS).text
    assert "Les paramètres de la formation sont enregistrés dans course.md." in page
    assert input_value(page, "estimated_minutes") == "25"


def test_an_optional_setting_typed_is_added_in_the_order_of_the_format(author):
    text = course_md(author).replace("certificate_validity_months: 24\n", "")
    assert save(author, "course.md", text, 1).status_code == 302

    assert post_settings(author, revision=2, certificate_validity_months="36").status_code == 302

    keys = list(read_front_matter(course_md(author)).fields)
    assert keys.index("certificate_validity_months") == keys.index("pass_mark") + 1


@pytest.mark.parametrize(
    "value", ['"quoted: value # not a comment"', "a: b # c", "- [x] {y} &z *w !v", "yes"]
)
def test_hostile_values_are_saved_and_shown_as_typed(author, value):
    response = post_settings(author, title=value, summary=f"{value}\nDeuxième ligne : # non.")

    assert response.status_code == 302
    fields = read_front_matter(course_md(author)).fields
    assert fields["title"] == value
    assert fields["summary"] == f"{value}\nDeuxième ligne : # non."
    page = author.get(SETTINGS).text
    assert input_value(page, "title") == value
    assert "title-erreurs" not in page


def test_invalid_settings_are_refused_with_the_checkers_messages_next_to_their_fields(author):
    response = post_settings(
        author, pass_mark="150", estimated_minutes="dix", audiences=[], title="  "
    )

    page = response.text
    assert response.status_code == 422
    assert "Le formulaire contient 4 erreurs" in page
    assert (
        field_errors(page, "pass_mark").strip() == "pass_mark : nombre entier attendu, de 0 à 100"
    )
    assert "estimated_minutes : nombre entier attendu, au moins 0" in field_errors(
        page, "estimated_minutes"
    )
    assert "audiences : liste de codes attendue" in field_errors(page, "audiences")
    assert "title : texte attendu" in field_errors(page, "title")
    assert 'aria-describedby="pass_mark-aide pass_mark-erreurs"' in page
    assert 'aria-labelledby="audiences-legende audiences-erreurs"' in page
    assert (input_value(page, "pass_mark"), input_value(page, "estimated_minutes")) == (
        "150",
        "dix",
    )
    assert stored(author).revision == 1
    assert "pass_mark: 70" in course_md(author)


def test_the_messages_are_those_of_the_check_of_the_saved_file(author):
    text = course_md(author).replace("pass_mark: 70", "pass_mark: 200")
    assert save(author, "course.md", text, 1).status_code == 302
    draft_page = author.get(DRAFT).text
    assert "course.md, ligne 8</a> : pass_mark : nombre entier attendu, de 0 à 100" in draft_page

    page = author.get(SETTINGS).text

    assert (
        field_errors(page, "pass_mark").strip() == "pass_mark : nombre entier attendu, de 0 à 100"
    )


def test_prerequisites_are_chosen_among_the_published_courses(app, author, tmp_path):
    folder = tmp_path / "autre-cours"
    shutil.copytree(ROOT / "docs" / "exemple-cours", folder)
    course = folder / "course.md"
    course.write_text(course.read_text().replace(f"slug: {SLUG}", "slug: autre-cours"))
    with app.app_context():
        import_courses([folder])
        db.session.commit()
    assert "autre-cours" in author.get(SETTINGS).text

    unknown = post_settings(author, prerequisites=["autre-cours", "inconnu"])
    assert unknown.status_code == 422
    assert "prérequis inconnu « inconnu » : aucun cours de ce slug dans le catalogue" in (
        field_errors(unknown.text, "prerequisites")
    )
    itself = post_settings(author, prerequisites=[SLUG])
    assert "un cours ne peut pas être son propre prérequis" in field_errors(
        itself.text, "prerequisites"
    )
    assert stored(author).revision == 1

    assert post_settings(author, prerequisites=["autre-cours"]).status_code == 302
    assert read_front_matter(course_md(author)).fields["prerequisites"] == ["autre-cours"]
    assert post_settings(author, revision=2, prerequisites=[]).status_code == 302
    assert "prerequisites" not in read_front_matter(course_md(author)).fields


def test_settings_saved_on_an_older_revision_are_refused_and_shown_again(author):
    text = course_md(author).replace("estimated_minutes: 10", "estimated_minutes: 12")
    assert save(author, "course.md", text, 1).status_code == 302

    response = post_settings(author, revision=1, estimated_minutes="45")

    assert response.status_code == 409
    assert "Ce brouillon a été modifié par vous-même" in response.text
    assert input_value(response.text, "estimated_minutes") == "45"
    assert stored(author).revision == 2
    assert "estimated_minutes: 12" in course_md(author)


def test_problems_elsewhere_in_course_md_are_listed_above_the_form(author):
    text = course_md(author) + "\nVoir [l'absente](09-absent/01-absente.md).\n"
    assert save(author, "course.md", text, 1).status_code == 302

    page = author.get(SETTINGS).text

    assert "Ce que la vérification signale ailleurs dans course.md" in page
    assert "lien vers une étape qui n&#39;existe pas : 09-absent/01-absente.md" in page
    assert post_settings(author, revision=2, estimated_minutes="11").status_code == 302


def test_an_unreadable_front_matter_is_sent_to_the_file_editor(author):
    assert save(author, "course.md", "---\ntitle: [\n---\nTexte\n", 1).status_code == 302

    response = author.get(SETTINGS)

    assert response.status_code == 200
    assert "L'en-tête de course.md ne peut pas être lu" in response.text
    assert 'name="title"' not in response.text
