"""The fiche réflexe file: its checks (each error with its line), its content hash, its notes."""

import pytest

from training.content.fiche import (
    FICHE_FILE,
    FICHE_SECTIONS,
    MAX_BLOCKS,
    MAX_CHARACTERS,
    fiche_sections,
)
from training.content.parser import parse_course, read_course

from .conftest import CourseFolder

FRONT = '---\nkind: fiche-reflexe\ntitle: "Fiche réflexe"\n---\n'


def sections(*names: str, item: str = "- Un point.") -> str:
    return "".join(f"## {name}\n\n{item}\n\n" for name in names)


def problems_of(course: CourseFolder, text: str) -> list[tuple[int, str]]:
    course.write(FICHE_FILE, text)
    return [
        (problem.line, problem.message)
        for problem in read_course(course.path).problems
        if problem.path.name == FICHE_FILE
    ]


def test_the_example_sheet_is_read_with_its_four_sections(course):
    parsed = parse_course(course.path)
    assert parsed.warnings == []
    assert parsed.fiche is not None
    assert parsed.fiche.title == "Fiche réflexe : repérer et signaler une situation de traite"
    assert "<h2" in parsed.fiche.body_html
    read, before = fiche_sections(parsed.fiche.body)
    assert [section.heading for section in read] == list(FICHE_SECTIONS)
    assert before == []
    assert (
        read[2].blocks[0].markup == "<b>17</b> ou <b>112</b> en cas de danger immédiat ;"
        " SMS au <b>114</b>."
    )


def test_a_course_without_a_sheet_has_none_and_another_hash(course):
    with_sheet = parse_course(course.path)
    (course / FICHE_FILE).unlink()
    without = parse_course(course.path)
    assert without.fiche is None
    assert without.content_hash != with_sheet.content_hash


def test_a_change_of_the_sheet_changes_the_content_hash(course):
    before = parse_course(course.path).content_hash
    course.replace(FICHE_FILE, "- Ne rien promettre", "- Ne jamais promettre")
    assert parse_course(course.path).content_hash != before


def test_a_missing_section_is_an_error(course):
    found = problems_of(course, FRONT + sections(*FICHE_SECTIONS[:3]))
    assert found == [
        (
            5,
            "section manquante « ## Ce qu'il faut noter » (sections attendues, dans cet ordre :"
            " « Ce qu'il faut repérer », « Ce qu'il faut faire tout de suite », « Qui appeler »,"
            " « Ce qu'il faut noter »)",
        )
    ]


def test_sections_out_of_order_are_an_error_on_the_first_misplaced_one(course):
    names = [FICHE_SECTIONS[1], FICHE_SECTIONS[0], *FICHE_SECTIONS[2:]]
    text = FRONT + sections(*names)
    found = problems_of(course, text)
    line = text.split("\n").index(f"## {FICHE_SECTIONS[0]}") + 1
    assert [(line_, message.split(" :")[0]) for line_, message in found] == [
        (line, "sections dans le désordre")
    ]


def test_an_unknown_and_a_duplicated_section_are_errors(course):
    text = FRONT + sections(*FICHE_SECTIONS, "Pour aller plus loin", FICHE_SECTIONS[3])
    found = problems_of(course, text)
    lines = text.split("\n")
    assert (
        lines.index("## Pour aller plus loin") + 1,
        "section inconnue « Pour aller plus loin » : une fiche réflexe a exactement ces quatre"
        " sections, dans cet ordre : « Ce qu'il faut repérer », « Ce qu'il faut faire tout de"
        " suite », « Qui appeler », « Ce qu'il faut noter »",
    ) in found
    assert (len(lines) - 4, f"section en double « {FICHE_SECTIONS[3]} »") in found


def test_an_empty_section_and_text_before_the_first_one_are_errors(course):
    body = sections(*FICHE_SECTIONS).replace(
        f"## {FICHE_SECTIONS[2]}\n\n- Un point.", f"## {FICHE_SECTIONS[2]}"
    )
    text = FRONT + "Une introduction.\n\n" + body
    found = problems_of(course, text)
    lines = text.split("\n")
    assert found == [
        (5, "texte avant la première section : la fiche commence par « ## Ce qu'il faut repérer »"),
        (
            lines.index(f"## {FICHE_SECTIONS[2]}") + 1,
            "section vide « Qui appeler » : ajoutez une liste « - … »",
        ),
    ]


def test_typographic_apostrophes_are_accepted(course):
    names = [name.replace("'", "\u2019") for name in FICHE_SECTIONS]
    assert problems_of(course, FRONT + sections(*names)) == []


@pytest.mark.parametrize(
    ("front", "line", "message"),
    [
        ("---\nkind: lesson\ntitle: Fiche\n---\n", 2, "kind : « fiche-reflexe » attendu"),
        ("---\ntitle: Fiche\n---\n", 1, "clé obligatoire manquante dans l'en-tête : kind"),
        ("---\nkind: fiche-reflexe\n---\n", 1, "clé obligatoire manquante dans l'en-tête : title"),
        (
            "---\nkind: fiche-reflexe\ntitle: Fiche\npass_mark: 80\n---\n",
            4,
            "clé inconnue « pass_mark » (clés permises : kind, title)",
        ),
        (f"---\nkind: fiche-reflexe\ntitle: {'x' * 121}\n---\n", 3, "title : 121 signes pour 120"),
    ],
)
def test_front_matter_errors(course, front, line, message):
    [(found_line, found_message)] = problems_of(course, front + sections(*FICHE_SECTIONS))
    assert found_line == line
    assert found_message.startswith(message)


def test_a_sheet_over_the_size_limits_is_an_error(course):
    long_item = "- " + "x" * (MAX_CHARACTERS // 4 + 1)
    found = problems_of(course, FRONT + sections(*FICHE_SECTIONS, item=long_item))
    assert found == [
        (
            5,
            f"fiche trop longue : {4 * (MAX_CHARACTERS // 4 + 1)} signes pour {MAX_CHARACTERS} au"
            " plus, espaces compris (elle doit tenir sur une page A4) : raccourcissez-la",
        )
    ]
    many = "\n".join(["- Un point."] * (MAX_BLOCKS // 4 + 1))
    found = problems_of(course, FRONT + sections(*FICHE_SECTIONS, item=many))
    assert [message.split(" (")[0] for _line, message in found] == [
        f"fiche trop longue : {4 * (MAX_BLOCKS // 4 + 1)} lignes de liste ou paragraphes pour"
        f" {MAX_BLOCKS} au plus"
    ]


def test_review_notes_are_listed_left_out_of_the_html_and_not_counted(course):
    note = "::: a-valider Numéro\nVérifier ce numéro.\n" + "x" * MAX_CHARACTERS + "\n:::\n\n"
    text = FRONT + sections(*FICHE_SECTIONS).replace(
        "## Qui appeler\n\n", "## Qui appeler\n\n" + note
    )
    assert problems_of(course, text) == []
    parsed = parse_course(course.path)
    assert "Vérifier ce numéro" not in parsed.fiche.body_html
    located = [n for n in parsed.located_review_notes() if n.path.name == FICHE_FILE]
    assert [(n.line, n.note.title) for n in located] == [
        (text.split("\n").index("::: a-valider Numéro") + 1, "Numéro")
    ]


def test_a_symbolic_link_is_refused(course, tmp_path):
    target = tmp_path / "ailleurs.md"
    target.write_text(course.read(FICHE_FILE), encoding="utf-8")
    (course / FICHE_FILE).unlink()
    (course / FICHE_FILE).symlink_to(target)
    messages = [p.message for p in read_course(course.path).problems if p.path.name == FICHE_FILE]
    assert messages == ["lien symbolique refusé : placez le fichier lui-même"]
