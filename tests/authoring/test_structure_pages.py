"""The « Plan du cours » page of a draft: renaming, moving, adding and deleting modules and
steps with plain forms, each change one revision, checked like the files."""

import re

import pytest

from tests.conftest import csrf_token
from training.authoring import drafts
from training.authoring.drafts import DraftError, DraftPermissionError, StaleDraftError
from training.authoring.front_matter import read_front_matter

from . import test_editor_pages
from .conftest import LESSON, OTHER_LESSON, QUIZ, SLUG, stored_draft
from .test_editor_pages import DRAFT, save, stored

#: The fixture: a client of an author of the example course, its draft opened.
author = test_editor_pages.author
PLAN = f"{DRAFT}/plan"


def post(client, action: str, **data):
    url = f"{PLAN}/{action}"
    return client.post(url, data={"csrf_token": csrf_token(client, PLAN), "revision": 1, **data})


def errors_of(client) -> list[str]:
    with client.application.app_context():
        return [str(problem) for problem in drafts.check_draft(stored_draft()) if problem.is_error]


def test_the_draft_page_leads_to_the_settings_and_the_plan(author):
    page = author.get(DRAFT).text

    assert f'href="{DRAFT}/parametres">Paramètres de la formation</a>' in page
    assert f'href="{PLAN}">Plan du cours</a>' in page


def test_the_plan_lists_modules_and_steps_in_their_order(author):
    page = author.get(PLAN).text

    assert page.index("Module 1 : Découvrir la définition") < page.index(
        "Module 2 : Vérifier ses acquis"
    )
    assert page.index("Les trois éléments de la traite") < page.index("À qui signaler")
    assert 'for="titre-01-decouvrir--01-les-trois-elements">Titre de l&#39;étape 1.1' in page
    assert 'Descendre<span class="fr-sr-only"> « Les trois éléments de la traite »' in page
    # The first step cannot move up, the last cannot move down: no such buttons.
    assert 'Monter<span class="fr-sr-only"> « Les trois éléments de la traite »' not in page
    assert 'Descendre<span class="fr-sr-only"> « Les trois éléments »' not in page


def test_moving_a_step_down_renames_the_files_and_their_links_in_one_revision(author):
    response = post(author, "deplacer", path=LESSON, direction="bas")

    assert response.status_code == 302
    assert response.headers["Location"] == PLAN
    draft = stored(author)
    assert draft.revision == 2
    assert "01-decouvrir/01-a-qui-signaler.md" in draft.files
    assert (
        "(02-les-trois-elements.md#un-acte-un-moyen-un-but)"
        in draft.files["01-decouvrir/01-a-qui-signaler.md"]
    )
    assert "(01-decouvrir/02-les-trois-elements.md)" in draft.files["course.md"]
    assert errors_of(author) == []
    page = author.get(PLAN).text
    assert "descend d&#39;un rang : 01-les-trois-elements devient 02-les-trois-elements." in page
    plan = page[page.index("Module 1 :") :]
    assert plan.index("À qui signaler") < plan.index("Les trois éléments de la traite")


def test_moving_a_module_up_keeps_the_course_valid(author):
    assert post(author, "deplacer", path="02-verifier", direction="haut").status_code == 302

    files = stored(author).files
    assert "01-verifier/01-quiz.md" in files
    assert "[quiz](../01-verifier/01-quiz.md)" in files["02-decouvrir/01-les-trois-elements.md"]
    assert errors_of(author) == []


def test_the_first_step_cannot_move_up(author):
    response = post(author, "deplacer", path=LESSON, direction="haut")

    assert response.status_code == 409
    assert "est déjà au premier rang : elle ne peut pas monter." in response.text
    assert stored(author).revision == 1


def test_a_move_with_an_unknown_direction_is_a_bad_request(author):
    assert post(author, "deplacer", path=LESSON, direction="loin").status_code == 400
    assert stored(author).revision == 1


def test_renaming_a_module_and_a_step_sets_their_titles(author):
    assert (
        post(author, "renommer", path="02-verifier", title="Évaluer : le quiz").status_code == 302
    )
    title = '"quoted: value # not a comment"'
    response = post(author, "renommer", revision=2, path=QUIZ, title=title)

    assert response.status_code == 302
    files = stored(author).files
    assert read_front_matter(files["02-verifier/module.md"]).fields["title"] == "Évaluer : le quiz"
    assert read_front_matter(files[QUIZ]).fields["title"] == title
    assert stored(author).revision == 3
    page = author.get(PLAN).text
    assert "Module 2 : Évaluer : le quiz" in page
    assert 'value="&#34;quoted: value # not a comment&#34;"' in page


def test_an_empty_title_is_refused_next_to_its_field(author):
    response = post(author, "renommer", path="01-decouvrir", title="   ")

    page = response.text
    assert response.status_code == 422
    assert 'aria-describedby="titre-01-decouvrir-erreurs"' in page
    assert re.search(r'id="titre-01-decouvrir-erreurs".*?Ce champ est requis\.', page, re.S)
    assert '<a href="#titre-01-decouvrir">Ce champ est requis.</a>' in page
    assert stored(author).revision == 1


def test_a_change_made_on_an_older_revision_is_refused_and_the_title_shown_again(author):
    assert save(author, LESSON, stored(author).files[LESSON] + "\nAjout.\n", 1).status_code == 302

    response = post(author, "renommer", path="01-decouvrir", title="Titre de Karim")

    assert response.status_code == 409
    assert "Ce brouillon a été modifié par vous-même" in response.text
    assert 'value="Titre de Karim"' in response.text
    assert stored(author).revision == 2
    assert "Titre de Karim" not in stored(author).files["01-decouvrir/module.md"]
    moved = post(author, "deplacer", path=LESSON, direction="bas")
    assert moved.status_code == 409
    assert LESSON in stored(author).files


def test_a_step_other_files_link_to_is_not_deleted(author):
    url = f"{PLAN}/supprimer?chemin={OTHER_LESSON}"
    page = author.get(url).text

    assert "Suppression impossible" in page
    assert f"{LESSON} y renvoie par un lien" in page
    assert "Supprimer l&#39;étape</button>" not in page
    response = author.post(
        url, data={"csrf_token": csrf_token(author, url), "revision": 1, "path": OTHER_LESSON}
    )
    assert response.status_code == 409
    assert OTHER_LESSON in stored(author).files


def test_a_step_added_then_deleted_after_confirmation(author):
    response = post(author, "etapes", module="02-verifier", title="Bilan final", kind="quiz")

    path = "02-verifier/02-bilan-final.md"
    assert response.headers["Location"] == f"{DRAFT}/fichiers/{path}"
    fields = read_front_matter(stored(author).files[path]).fields
    assert (fields["kind"], fields["title"]) == ("quiz", "Bilan final")
    assert errors_of(author) == []

    url = f"{PLAN}/supprimer?chemin={path}"
    page = author.get(url).text
    assert "Supprimer l&#39;étape « Bilan final »" in page
    assert f"<li><code>{path}</code></li>" in page
    response = author.post(
        url, data={"csrf_token": csrf_token(author, url), "revision": 2, "path": path}
    )
    assert response.headers["Location"] == PLAN
    assert path not in stored(author).files
    assert stored(author).revision == 3


def test_a_module_added_has_a_presentation_and_a_first_lesson_that_check(author):
    assert post(author, "modules", title="   ").status_code == 422

    response = post(author, "modules", title="Agir : orienter la victime")

    assert response.headers["Location"] == PLAN
    files = stored(author).files
    folder = "03-agir-orienter-la-victime"
    assert read_front_matter(files[f"{folder}/module.md"]).fields == {
        "title": "Agir : orienter la victime"
    }
    assert f"{folder}/01-nouvelle-lecon.md" in files
    assert errors_of(author) == []
    assert "Module 3 : Agir : orienter la victime" in author.get(PLAN).text


def test_unknown_paths_are_404_on_the_deletion_page(author):
    for path in ["09-absent", "01-decouvrir/09-absente.md", "../course.md", ""]:
        assert author.get(f"{PLAN}/supprimer?chemin={path}").status_code == 404, path


def test_replacing_files_is_one_revision_and_refuses_what_saving_a_file_refuses(team):
    draft = drafts.open_draft(SLUG, team.owner)
    files = dict(draft.files)

    without_course = {path: text for path, text in files.items() if path != "course.md"}
    with pytest.raises(DraftError, match="course.md ne peut pas être supprimé"):
        drafts.replace_files(draft, without_course, 1, team.owner)
    with pytest.raises(DraftError, match="Chemin refusé"):
        drafts.replace_files(draft, {**files, "../passwd.md": "x"}, 1, team.owner)
    with pytest.raises(DraftPermissionError):
        drafts.replace_files(draft, files, 1, team.other)
    renamed = {path.replace("02-verifier", "03-verifier"): text for path, text in files.items()}
    drafts.replace_files(draft, {**renamed, "02-x/module.md": "a\r\nb"}, 1, team.owner)

    saved = stored_draft()
    assert saved.revision == 2
    assert saved.files["02-x/module.md"] == "a\nb"
    assert "02-verifier/01-quiz.md" not in saved.files
    with pytest.raises(StaleDraftError):
        drafts.replace_files(saved, files, 1, team.owner)
