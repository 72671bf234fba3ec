"""The fiche réflexe on the course page: the printable page and the one-page A4 PDF."""

import html
import io
import itertools
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.content.conftest import copy_example
from tests.learning.conftest import SLUG, enrol, import_courses
from training.catalog.fiche_pdf import BODY_SIZES, fit_fiche, render_fiche_pdf
from training.content.fiche import (
    FICHE_FILE,
    FICHE_SECTIONS,
    MAX_BLOCKS,
    MAX_CHARACTERS,
    MAX_TITLE_CHARACTERS,
    check_fiche,
)
from training.content.parser import parse_course

COURSE_PAGE = f"/formations/{SLUG}/"
FICHE_PAGE = f"/formations/{SLUG}/fiche-reflexe"
FICHE_PDF = f"/formations/{SLUG}/fiche-reflexe.pdf"
#: A phrase of each section of the example's sheet.
PHRASES = (
    "ne garde pas ses papiers d'identité",
    "Ne rien promettre que vous ne pourrez pas tenir",
    "pour un enfant en danger",
    "avec les mots de la personne entre guillemets",
)
A4 = (595.28, 841.89)


def pdf_pages(data: bytes) -> list:
    return list(PdfReader(io.BytesIO(data)).pages)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_course_page_offers_the_sheet_to_print_and_as_pdf(client, example_course):
    page = client.get(COURSE_PAGE).get_data(as_text=True)
    assert f'href="{FICHE_PAGE}">Fiche réflexe (à imprimer)</a>' in page
    assert f'href="{FICHE_PDF}" download>Télécharger la fiche réflexe (PDF, 1 page)</a>' in page


def test_the_printable_page_shows_the_sheet(client, example_course):
    response = client.get(FICHE_PAGE)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "Fiche réflexe : repérer et signaler une situation de traite</h1>" in page
    for heading in FICHE_SECTIONS:
        assert f">{heading}</h2>" in page
    assert 'class="fiche-reflexe"' in page
    assert f'href="{FICHE_PDF}"' in page


def test_the_pdf_is_one_a4_page_with_every_section(client, example_course):
    response = client.get(FICHE_PDF)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    [page] = pdf_pages(response.data)
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4
    text = flat(page.extract_text())
    assert "Fiche réflexe : repérer et signaler une situation de traite" in text
    for heading in FICHE_SECTIONS:
        assert heading in text
    for phrase in PHRASES:
        assert phrase in text


def test_a_course_without_a_sheet_offers_none_and_answers_404_in_french(app, client, tmp_path):
    course = copy_example(tmp_path)
    (course / FICHE_FILE).unlink()
    import_courses(app, course.path)

    assert "Fiche réflexe" not in client.get(COURSE_PAGE).get_data(as_text=True)
    for url in (FICHE_PAGE, FICHE_PDF):
        response = client.get(url)
        assert response.status_code == 404
        assert "Cette formation n'a pas de fiche réflexe." in html.unescape(
            response.get_data(as_text=True)
        )
    assert client.get("/formations/inconnue/fiche-reflexe").status_code == 404


def test_a_learner_gets_the_sheet_of_the_version_they_follow(app, login_as, tmp_path):
    course = copy_example(tmp_path)
    import_courses(app, course.path)
    learner = login_as()
    enrol(learner)
    course.replace(FICHE_FILE, "Ne rien promettre", "Ne jamais promettre")
    import_courses(app, course.path)

    followed = learner.get(FICHE_PAGE).get_data(as_text=True)
    newest = login_as().get(FICHE_PAGE).get_data(as_text=True)
    assert "Ne rien promettre" in followed
    assert "Ne jamais promettre" in newest
    assert "Ne rien promettre" in flat(pdf_pages(learner.get(FICHE_PDF).data)[0].extract_text())


def test_review_notes_of_the_sheet_never_reach_learners(app, client, tmp_path):
    course = copy_example(tmp_path)
    note = "::: a-valider Numéro\nNuméro de la cellule à vérifier.\n:::\n\n"
    course.replace(FICHE_FILE, "## Qui appeler\n\n", "## Qui appeler\n\n" + note)
    import_courses(app, course.path)

    assert "cellule à vérifier" not in client.get(FICHE_PAGE).get_data(as_text=True)
    assert "cellule à vérifier" not in pdf_pages(client.get(FICHE_PDF).data)[0].extract_text()


LONG_WORDS = ("signalement", "exploitation", "vulnérabilité", "hébergement", "immédiatement")
WORDS = itertools.cycle(LONG_WORDS)


def sheet_at_the_limits(blocks: int, characters: int) -> str:
    """A sheet of `blocks` list items totalling `characters` characters (long words, so that
    lines wrap early), spread over the four sections; each item starts with its number."""
    length = characters // blocks
    lines = []
    for number in range(blocks):
        if number % (blocks // 4) == 0 and number // (blocks // 4) < 4:
            lines.append(f"\n## {FICHE_SECTIONS[number // (blocks // 4)]}\n")
        text = f"Point{number:02d}"
        while len(text) < length:
            text += " " + next(WORDS)
        lines.append(f"- {text[:length].rstrip()}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("blocks", "characters"),
    [(MAX_BLOCKS, MAX_CHARACTERS), (22, 2332), (8, MAX_CHARACTERS), (4, MAX_CHARACTERS)],
    ids=["most items", "items just over a line", "long items", "four items"],
)
def test_the_longest_sheet_the_checker_accepts_holds_on_one_page(blocks, characters):
    body = sheet_at_the_limits(blocks, characters)
    assert check_fiche(body, 5, Path(FICHE_FILE)) == []
    title = ("Fiche réflexe des professionnels " + "x" * MAX_TITLE_CHARACTERS)[
        :MAX_TITLE_CHARACTERS
    ]

    [page] = pdf_pages(render_fiche_pdf(title, "Un titre de formation assez long", body))

    text = flat(page.extract_text())
    for heading in FICHE_SECTIONS:
        assert heading in text
    assert f"Point{blocks - 1:02d}" in text  # the last item is on the page
    assert (round(float(page.mediabox.width), 2), round(float(page.mediabox.height), 2)) == A4


def test_the_example_sheet_is_printed_at_the_normal_size():
    """The smaller sizes are a safety net: an ordinary sheet is set at the first size."""
    fiche = parse_course(Path(__file__).parents[2] / "docs" / "exemple-cours").fiche
    assert fit_fiche(fiche.title, "Cours", fiche.body)[1] == BODY_SIZES[0]
