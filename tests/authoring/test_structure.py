"""The plan of a course over its files, without the database: renumbering, link rewriting,
refused moves and deletions, renaming and adding; and the front matter written back."""

import shutil

import pytest
import yaml

from tests.conftest import ROOT
from training.authoring import structure
from training.authoring.front_matter import read_front_matter, with_fields
from training.authoring.structure import StructureError
from training.content.validation import DEFAULT_AUDIENCE_CODES, load_catalogue

EXAMPLE = ROOT / "docs" / "exemple-cours"
LESSON = "01-decouvrir/01-les-trois-elements.md"
OTHER_LESSON = "01-decouvrir/02-a-qui-signaler.md"
QUIZ = "02-verifier/01-quiz.md"
INTRO = "---\ntitle: Nouveau module\n---\nCe que ce module présente.\n"
STARTER = "---\nkind: lesson\ntitle: Nouvelle leçon\nestimated_minutes: 5\n---\nTexte.\n"


@pytest.fixture
def files() -> dict[str, str]:
    return {
        path.relative_to(EXAMPLE).as_posix(): path.read_text(encoding="utf-8")
        for path in sorted(EXAMPLE.rglob("*.md"))
    }


def problems_of(files: dict[str, str], tmp_path) -> list[str]:
    """What `flask courses check` says of these files (with the example's images)."""
    folder = tmp_path / "exemple-cours"
    shutil.copytree(EXAMPLE / "images", folder / "images")
    for path, text in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return [str(problem) for problem in load_catalogue([folder], DEFAULT_AUDIENCE_CODES)[1]]


def test_moving_a_step_down_renumbers_the_module_and_rewrites_links_with_their_anchor(
    files, tmp_path
):
    change = structure.move(files, LESSON, +1)

    assert change.renamed == {
        LESSON: "01-decouvrir/02-les-trois-elements.md",
        OTHER_LESSON: "01-decouvrir/01-a-qui-signaler.md",
    }
    moved = change.files
    assert sorted(moved) == sorted({*files} - {LESSON, OTHER_LESSON} | {*change.renamed.values()})
    assert "(01-decouvrir/02-les-trois-elements.md)" in moved["course.md"]
    assert (
        "(02-les-trois-elements.md#un-acte-un-moyen-un-but)"
        in moved["01-decouvrir/01-a-qui-signaler.md"]
    )
    lesson = moved["01-decouvrir/02-les-trois-elements.md"]
    assert "[à qui signaler](01-a-qui-signaler.md)" in lesson
    assert "[quiz](../02-verifier/01-quiz.md)" in lesson
    assert "](../images/trois-elements.svg)" in lesson
    assert change.message == (
        "L'étape « Les trois éléments de la traite » descend d'un rang :"
        " 01-les-trois-elements devient 02-les-trois-elements."
    )
    assert problems_of(moved, tmp_path) == []


def test_moving_a_module_rewrites_links_across_modules(files, tmp_path):
    change = structure.move(files, "02-verifier", -1)

    assert set(change.renamed.values()) == {
        "01-verifier/module.md",
        "01-verifier/01-quiz.md",
        "02-decouvrir/module.md",
        "02-decouvrir/01-les-trois-elements.md",
        "02-decouvrir/02-a-qui-signaler.md",
    }
    lesson = change.files["02-decouvrir/01-les-trois-elements.md"]
    assert "[quiz](../01-verifier/01-quiz.md)" in lesson
    assert "[à qui signaler](02-a-qui-signaler.md)" in lesson
    assert "(02-decouvrir/01-les-trois-elements.md)" in change.files["course.md"]
    assert problems_of(change.files, tmp_path) == []


def test_a_step_moved_back_gives_the_files_back(files):
    there = structure.move(files, LESSON, +1).files
    back = structure.move(there, "01-decouvrir/02-les-trois-elements.md", -1).files

    assert back == files


@pytest.mark.parametrize(
    ("path", "offset", "message"),
    [
        ("01-decouvrir", -1, "Le module « Découvrir la définition » est déjà au premier rang"),
        ("02-verifier", +1, "Le module « Vérifier ses acquis » est déjà au dernier rang"),
        (LESSON, -1, "L'étape « Les trois éléments de la traite » est déjà au premier rang"),
        (QUIZ, +1, "L'étape « Les trois éléments » est déjà au dernier rang : elle ne peut pas"),
        ("03-absent", +1, "Le module « 03-absent » n'existe pas dans ce brouillon."),
    ],
)
def test_the_first_cannot_move_up_nor_the_last_down(files, path, offset, message):
    with pytest.raises(StructureError, match=message):
        structure.move(files, path, offset)


def test_links_written_in_other_ways_are_rewritten_and_code_is_left_alone(files):
    files[OTHER_LESSON] += (
        "\nVoir [là](<01-les-trois-elements.md#un-acte>) et [ici][ref], ou encore"
        ' [là-bas](./01-les-trois-elements.md "titre") et'
        " [détour](../01-decouvrir/01-les-trois-elements.md).\n\n"
        "[ref]: 01-les-trois-elements.md\n\n"
        "Exemple de lien : `[texte](01-les-trois-elements.md)`\n\n"
        "```markdown\n[texte](01-les-trois-elements.md)\n```\n"
    )
    files[LESSON] = files[LESSON].replace(
        "title: Les trois éléments de la traite",
        'title: "Voir [ceci](02-a-qui-signaler.md)"',
    )

    moved = structure.move(files, LESSON, +1).files

    other = moved["01-decouvrir/01-a-qui-signaler.md"]
    assert "[là](<02-les-trois-elements.md#un-acte>)" in other
    assert "[ref]: 02-les-trois-elements.md" in other
    assert '[là-bas](./02-les-trois-elements.md "titre")' in other
    assert "[détour](../01-decouvrir/02-les-trois-elements.md)" in other
    assert "`[texte](01-les-trois-elements.md)`" in other
    assert "```markdown\n[texte](01-les-trois-elements.md)\n```" in other
    lesson = moved["01-decouvrir/02-les-trois-elements.md"]
    assert 'title: "Voir [ceci](02-a-qui-signaler.md)"' in lesson  # front matter untouched
    assert "[à qui signaler](01-a-qui-signaler.md)" in lesson


def test_a_course_of_numbered_names_with_a_gap_is_renumbered_without_it(files):
    gapped = {
        path.replace("02-verifier/", "05-verifier/"): text.replace(
            "../02-verifier/", "../05-verifier/"
        )
        for path, text in files.items()
    }

    change = structure.move(gapped, "01-decouvrir", +1)

    assert "01-verifier/01-quiz.md" in change.files
    assert (
        "[quiz](../01-verifier/01-quiz.md)" in change.files["02-decouvrir/01-les-trois-elements.md"]
    )


def test_a_name_without_number_is_not_renumbered(files):
    files["intro/module.md"] = "---\ntitle: Intro\n---\n"

    with pytest.raises(StructureError, match="« intro » ne commence pas par un numéro"):
        structure.move(files, "01-decouvrir", +1)


def test_a_step_other_files_link_to_cannot_be_deleted(files):
    planned = structure.deletion(files, OTHER_LESSON)

    assert planned.linked_from == [LESSON]
    assert planned.refusal == (
        "Impossible de supprimer l'étape « À qui signaler » : "
        f"{LESSON} y renvoie par un lien. Retirez d'abord ces liens, puis supprimez."
    )
    with pytest.raises(StructureError, match="y renvoie par un lien"):
        structure.delete(files, OTHER_LESSON)


def test_a_module_linked_from_outside_cannot_be_deleted(files):
    with pytest.raises(StructureError, match="course.md y renvoie par un lien"):
        structure.delete(files, "01-decouvrir")


def test_the_only_step_of_a_module_and_the_only_module_cannot_be_deleted(files):
    files[LESSON] = files[LESSON].replace("[quiz](../02-verifier/01-quiz.md)", "quiz")

    with pytest.raises(StructureError, match="c'est la seule étape de son module"):
        structure.delete(files, QUIZ)
    single = structure.delete(files, "02-verifier").files
    with pytest.raises(StructureError, match="au moins un module"):
        structure.delete(single, "01-decouvrir")


def test_deleting_a_step_renumbers_the_next_ones_and_their_links(files, tmp_path):
    files = structure.add_step(files, "01-decouvrir", "Cas pratique", STARTER).files
    files["01-decouvrir/03-cas-pratique.md"] += "\n## Début\n"
    files[LESSON] += "\nVoir aussi [le cas](03-cas-pratique.md#debut).\n"
    files[LESSON] = files[LESSON].replace("[à qui signaler](02-a-qui-signaler.md)", "l'étape")
    files["course.md"] = files["course.md"].replace(
        "[les trois éléments](01-decouvrir/01-les-trois-elements.md)", "les trois éléments"
    )
    files[OTHER_LESSON] = files[OTHER_LESSON].replace(
        "[trois éléments](01-les-trois-elements.md#un-acte-un-moyen-un-but)", "trois éléments"
    )

    change = structure.delete(files, OTHER_LESSON)

    assert OTHER_LESSON not in change.files
    assert change.renamed == {"01-decouvrir/03-cas-pratique.md": "01-decouvrir/02-cas-pratique.md"}
    assert "[le cas](02-cas-pratique.md#debut)" in change.files[LESSON]
    assert change.message == "L'étape « À qui signaler » est supprimée du brouillon."
    assert problems_of(change.files, tmp_path) == []


def test_deleting_a_module_renumbers_the_next_ones_and_their_links(files, tmp_path):
    files = structure.add_module(files, "Agir", INTRO, STARTER).files
    files["03-agir/01-nouvelle-lecon.md"] += "\n[Retour au quiz](../02-verifier/01-quiz.md)\n"
    files["course.md"] = files["course.md"].replace(
        "[les trois éléments](01-decouvrir/01-les-trois-elements.md)", "les trois éléments"
    )

    with pytest.raises(StructureError, match=r"03-agir/01-nouvelle-lecon.md y renvoient"):
        structure.delete(files, "02-verifier")
    change = structure.delete(files, "01-decouvrir")

    assert sorted(change.files) == [
        "01-verifier/01-quiz.md",
        "01-verifier/module.md",
        "02-agir/01-nouvelle-lecon.md",
        "02-agir/module.md",
        "course.md",
        "fiche-reflexe.md",
    ]
    assert (
        "[Retour au quiz](../01-verifier/01-quiz.md)"
        in change.files["02-agir/01-nouvelle-lecon.md"]
    )
    assert change.message == "Le module « Découvrir la définition » est supprimé du brouillon."
    assert problems_of(change.files, tmp_path) == []


def test_renaming_sets_the_title_and_keeps_the_rest_of_the_file(files):
    hostile = "\"quoted: value # not a comment\" 'et' : ---"

    change = structure.rename(files, QUIZ, hostile)

    text = change.files[QUIZ]
    document = read_front_matter(text)
    assert document.fields == {**read_front_matter(files[QUIZ]).fields, "title": hostile}
    assert document.rest == read_front_matter(files[QUIZ]).rest
    assert list(document.fields)[:2] == ["kind", "title"]
    assert structure.course_plan(change.files)[1].steps[0].title == hostile


def test_renaming_a_module_writes_its_module_md(files):
    change = structure.rename(files, "02-verifier", "Évaluer : le quiz")
    assert read_front_matter(change.files["02-verifier/module.md"]).fields == {
        "title": "Évaluer : le quiz"
    }
    del files["02-verifier/module.md"]
    created = structure.rename(files, "02-verifier", "Évaluer")
    assert created.files["02-verifier/module.md"] == "---\ntitle: Évaluer\n---\n"


def test_a_file_whose_front_matter_cannot_be_read_is_not_renamed(files):
    files[QUIZ] = "---\ntitle: [\n---\n"
    with pytest.raises(StructureError, match="L'en-tête de 02-verifier/01-quiz.md ne peut"):
        structure.rename(files, QUIZ, "Titre")


def test_added_modules_and_steps_are_numbered_next_and_named_after_their_title(files):
    module = structure.add_module(files, "Agir : l'orientation", INTRO, STARTER)
    assert module.focus == "03-agir-l-orientation/module.md"
    assert read_front_matter(module.files[module.focus]).fields == {"title": "Agir : l'orientation"}
    assert "03-agir-l-orientation/01-nouvelle-lecon.md" in module.files

    step = structure.add_step(files, "02-verifier", "Évaluation finale", STARTER)
    assert step.focus == "02-verifier/02-evaluation-finale.md"
    assert read_front_matter(step.files[step.focus]).fields["title"] == "Évaluation finale"
    assert step.message == (
        "L'étape « Évaluation finale » est ajoutée au module « Vérifier ses acquis »"
        " (02-verifier/02-evaluation-finale.md) : complétez-la."
    )


def test_a_module_holds_at_most_99_steps(files):
    for number in range(2, 100):
        files[f"02-verifier/{number:02d}-quiz.md"] = STARTER
    with pytest.raises(StructureError, match="Pas plus de 99 étapes"):
        structure.add_step(files, "02-verifier", "Une de trop", STARTER)


@pytest.mark.parametrize(
    "value",
    [
        '"quoted: value # not a comment"',
        "a: b # c",
        "- liste ?",
        "{accolade}",
        "&ancre *alias !tag %",
        "yes",
        "12",
        "null",
        "ligne 1\nligne 2",
        "« Guillemets » : l'apostrophe",
    ],
)
def test_any_value_written_in_the_front_matter_reads_back_as_written(value):
    text = "---\nkind: lesson\ntitle: T\n---\n\nLe texte # reste\n---\n"

    written = with_fields(text, {"title": value, "summary": value}, ("kind", "title"))

    assert read_front_matter(written).fields == {"kind": "lesson", "title": value,
                                                 "summary": value}  # fmt: skip
    assert written.endswith("---\n\nLe texte # reste\n---\n")
    assert yaml.safe_load(written.split("---\n")[1])["title"] == value
