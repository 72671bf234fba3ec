"""The fiche réflexe in a draft: opened with the course, checked, edited and published."""

from training.authoring import drafts
from training.authoring.publishing import publish_draft
from training.content import services as content
from training.content.fiche import FICHE_FILE

from . import test_editor_pages
from .conftest import SLUG
from .test_editor_pages import DRAFT, save, stored

#: The fixture: a client of an author of the example course, its draft opened.
author = test_editor_pages.author


def test_a_draft_edits_and_publishes_the_sheet(team):
    draft = drafts.open_draft(SLUG, team.owner)
    text = draft.files[FICHE_FILE]
    assert "## Qui appeler" in text

    drafts.save_file(
        draft, FICHE_FILE, text.replace("Ne rien promettre", "Ne jamais promettre"), 1, team.owner
    )
    # The example course has review notes: an admin publishes it with them.
    version = publish_draft(
        draft, team.admin, "Fiche réflexe reformulée.", confirm_review_notes=True
    )

    assert version.number == 2
    assert "Ne jamais promettre" in version.fiche_md
    assert "Ne jamais promettre" in version.fiche_html
    assert content.latest_version(SLUG).fiche_title == version.fiche_title


def test_the_draft_check_reports_the_problems_of_the_sheet(team):
    draft = drafts.open_draft(SLUG, team.owner)
    broken = draft.files[FICHE_FILE].replace("## Qui appeler", "## Numéros utiles")

    problems = drafts.check_draft(draft, {**draft.files, FICHE_FILE: broken})

    assert [str(problem.path) for problem in problems if problem.is_error] == [FICHE_FILE] * 2
    assert any("section inconnue « Numéros utiles »" in p.message for p in problems)


def test_the_editor_lists_the_sheet_and_saves_it_through_its_page(author):
    page = author.get(DRAFT).get_data(as_text=True)
    assert f'href="{DRAFT}/fichiers/{FICHE_FILE}"' in page

    text = stored(author).files[FICHE_FILE].replace("Ne rien promettre", "Ne jamais promettre")
    response = save(author, FICHE_FILE, text, 1)

    assert response.status_code in (200, 302)
    assert "Ne jamais promettre" in stored(author).files[FICHE_FILE]
