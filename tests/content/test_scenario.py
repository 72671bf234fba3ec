"""Scenario steps (`kind: scenario`): parsing, every rule of the format with its line, the
scoring rules, and the content hash of the other steps left as it was (no database)."""

import hashlib
from dataclasses import dataclass, field

import pytest

import training.content.parsed as parsed_module
from training.content.parsed import ParsedScenarioChoice, ParsedStage, ParsedStep, sha256_of
from training.content.parser import parse_course, read_course
from training.content.scenario import (
    RATING_LABELS,
    RATING_POINTS,
    RATINGS,
    best_path,
    best_path_score,
    path_score,
)

from .conftest import ROOT, catalogue_courses

SCENARIO = "02-verifier/02-mise-en-situation.md"
STEP_KEY = SCENARIO.removesuffix(".md")
HEADER = """---
kind: scenario
title: "Mise en situation : un accompagnant qui répond à tout"
estimated_minutes: 15
pass_mark: 70
---
"""
BODY = """Une femme de 24 ans se présente aux **urgences**, accompagnée d'un homme.

## Étape accueil : Aux urgences, un mardi à 14 h

Elle ne parle pas français ; l'accompagnant répond à toutes les questions.

- Vous demandez à l'accompagnant de patienter en salle d'attente
  le temps de l'examen. → seule (meilleur)
  > Il proteste, puis sort.
- Vous posez vos questions à l'accompagnant, qui traduit. → traduction (préjudiciable)
  > Il répond à sa place ; elle baisse les yeux.
- Vous reportez l'entretien à une prochaine consultation. -> relais (acceptable)
  > Rien n'avance, mais rien n'est compromis.

## Étape seule : Seule avec vous

Elle montre des bleus.

- Vous appelez un interprète professionnel. → relais (meilleur)
  > Elle parle enfin.
- Vous la laissez repartir avec lui. → traduction (Prejudiciable)
  > Elle repart.

## Fin traduction : Une occasion manquée

Bilan : ne *jamais* faire traduire par l'accompagnant.

## Fin relais : Une orientation préparée

Bilan : l'entretien seule, avec un interprète, ouvre la voie à une orientation.
"""


def write(course, body: str = BODY, header: str = HEADER) -> None:
    course.write(SCENARIO, header + body)


def scenario_of(course) -> ParsedStep:
    return next(step for step in parse_course(course.path).steps if step.key == STEP_KEY)


def errors_of(course) -> list:
    return read_course(course.path).errors


def test_a_scenario_reads_into_its_stages_choices_ratings_and_targets(course):
    write(course)

    parsed = parse_course(course.path)
    step = next(step for step in parsed.steps if step.key == STEP_KEY)

    assert parsed.warnings == []
    assert (step.kind, step.pass_mark, step.max_attempts, step.shuffle) == (
        "scenario",
        70,
        None,
        False,
    )
    assert step.body == BODY.rstrip("\n")
    assert step.body_html == (
        "<p>Une femme de 24 ans se présente aux <strong>urgences</strong>, accompagnée d'un"
        " homme.</p>\n"
    )
    assert [(stage.key, stage.title, stage.is_ending) for stage in step.stages] == [
        ("accueil", "Aux urgences, un mardi à 14 h", False),
        ("seule", "Seule avec vous", False),
        ("traduction", "Une occasion manquée", True),
        ("relais", "Une orientation préparée", True),
    ]
    assert [stage.line for stage in step.stages] == [
        course.line_of(SCENARIO, f"## {word}") for word in ("Étape accueil", "Étape seule",
                                                            "Fin traduction", "Fin relais")
    ]  # fmt: skip
    accueil = step.stages[0]
    assert (
        accueil.text == "Elle ne parle pas français ; l'accompagnant répond à toutes les questions."
    )
    assert [(c.rating, c.next_stage) for c in accueil.choices] == [
        ("best", "seule"),
        ("harmful", "traduction"),
        ("acceptable", "relais"),
    ]
    first = accueil.choices[0]
    assert first == ParsedScenarioChoice(
        text="Vous demandez à l'accompagnant de patienter en salle d'attente\nle temps de"
        " l'examen.",
        rating="best",
        next_stage="seule",
        consequence="Il proteste, puis sort.",
        text_html="Vous demandez à l'accompagnant de patienter en salle d'attente\nle temps de"
        " l'examen.",
        consequence_html="<p>Il proteste, puis sort.</p>\n",
    )
    assert first.line == course.line_of(SCENARIO, "- Vous demandez")
    assert step.stages[1].choices[1].rating == "harmful"  # « Prejudiciable » accepted
    ending = step.stages[2]
    assert ending.choices == []
    assert ending.text_html == (
        "<p>Bilan : ne <em>jamais</em> faire traduire par l'accompagnant.</p>\n"
    )


def test_a_stage_may_hold_a_list_before_its_choices_and_review_notes(course):
    write(
        course,
        BODY.replace(
            "Elle montre des bleus.\n",
            "Elle montre :\n\n- des bleus ;\n- une brûlure.\n\n"
            "::: a-valider\nVérifier avec un médecin légiste.\n:::\n",
        ),
    )

    step = scenario_of(course)

    seule = step.stages[1]
    assert seule.text.startswith("Elle montre :\n\n- des bleus ;")
    assert "<li>des bleus ;</li>" in seule.text_html
    assert "légiste" not in seule.text_html
    assert [choice.next_stage for choice in seule.choices] == ["relais", "traduction"]
    [note] = step.review_notes
    assert note.line == course.line_of(SCENARIO, "::: a-valider")


def test_a_cycle_with_an_exit_is_accepted(course):
    # From « seule », a learner may come back to the first stage.
    write(course, BODY.replace("→ traduction (Prejudiciable)", "→ accueil (préjudiciable)"))

    assert errors_of(course) == []


def test_the_course_pass_mark_is_the_default_and_counts_in_the_step_hash(course):
    write(course, header=HEADER.replace("pass_mark: 70\n", ""))
    step = scenario_of(course)
    assert step.pass_mark is None

    course.replace("course.md", "pass_mark: 70", "pass_mark: 60")
    assert scenario_of(course).content_hash != step.content_hash


def test_a_stage_text_change_changes_the_hash(course):
    write(course)
    before = scenario_of(course).content_hash

    course.replace(SCENARIO, "Elle repart.", "Elle repart avec lui.")

    assert scenario_of(course).content_hash != before


def _stage(key: str, *choices: tuple[str, str]) -> ParsedStage:
    return ParsedStage(
        key=key,
        title=key,
        is_ending=not choices,
        text="…",
        choices=[ParsedScenarioChoice("…", rating, target, "…") for target, rating in choices],
    )


TWO_LOOPING = """Départ.

## Étape a : A

Texte.

- Aller en b. → b (meilleur)
  > Conséquence.
- Rester. → a (acceptable)
  > Conséquence.

## Étape b : B

Texte.

- Revenir en a. → a (meilleur)
  > Conséquence.
- Rester. → b (préjudiciable)
  > Conséquence.
"""
LOOP = """
## Étape boucle-a : Boucle A

Texte.

- Aller en boucle-b. → boucle-b (acceptable)
  > Conséquence.
- Rester. → boucle-a (préjudiciable)
  > Conséquence.

## Étape boucle-b : Boucle B

Texte.

- Revenir. → boucle-a (acceptable)
  > Conséquence.
- Rester. → boucle-b (acceptable)
  > Conséquence.
"""
CHOICE = "- Autre choix. → relais (acceptable)\n  > Conséquence.\n"
SEULE_CHOICES = (
    "- Vous appelez un interprète professionnel. → relais (meilleur)\n  > Elle parle enfin.\n"
    "- Vous la laissez repartir avec lui. → traduction (Prejudiciable)\n  > Elle repart.\n"
)

#: name: (body or function of the body, fragment of the line reported — None for line 1 —,
#: fragment of the message).
ERRORS = {
    "unknown key": (
        BODY.replace("→ relais (meilleur)", "→ relai (meilleur)"),
        "- Vous appelez un interprète",
        "clé inconnue « relai » : aucune « ## Étape relai : … » ni « ## Fin relai : … »",
    ),
    "unreachable stage": (
        BODY + "\n## Étape isolee : Isolée\n\nTexte.\n\n" + CHOICE + CHOICE,
        "## Étape isolee",
        "étape inaccessible : aucun choix ne mène ici depuis la première étape (« accueil »)",
    ),
    "unreachable ending": (
        BODY + "\n## Fin oubliee : Oubliée\n\nBilan.\n",
        "## Fin oubliee",
        "fin inaccessible : aucun choix ne mène ici",
    ),
    "cycle without exit": (
        BODY.replace(
            "-> relais (acceptable)\n  > Rien n'avance, mais rien n'est compromis.\n",
            "-> relais (acceptable)\n  > Rien n'avance, mais rien n'est compromis.\n"
            "- Vous attendez. → boucle-a (préjudiciable)\n  > Le temps passe.\n",
        )
        + LOOP,
        "## Étape boucle-a",
        "étape sans issue : ses choix tournent en rond sans jamais mener à une fin",
    ),
    "stage without choices": (
        BODY.replace(SEULE_CHOICES, ""),
        "## Étape seule",
        "étape sans choix : ajoutez une liste de choix « - … → <clé> (<évaluation>) »",
    ),
    "one choice": (
        BODY.replace(SEULE_CHOICES, SEULE_CHOICES.split("- Vous la laissez")[0]),
        "## Étape seule",
        "une étape a de 2 à 5 choix (1 trouvé)",
    ),
    "six choices": (
        BODY.replace(SEULE_CHOICES, SEULE_CHOICES + CHOICE * 4),
        "## Étape seule",
        "une étape a de 2 à 5 choix (6 trouvés)",
    ),
    "ending with choices": (
        BODY + "\n" + CHOICE + CHOICE,
        "- Autre choix.",
        "une fin n'a pas de choix",
    ),
    "choice without arrow": (
        BODY.replace(" → traduction (préjudiciable)", ""),
        "- Vous posez vos questions",
        "choix sans suite : terminez le choix par « → <clé> (<évaluation>) »",
    ),
    "choice without rating": (
        BODY.replace("→ traduction (préjudiciable)", "→ traduction"),
        "- Vous posez vos questions",
        "évaluation manquante",
    ),
    "unknown rating": (
        BODY.replace("→ traduction (préjudiciable)", "→ traduction (excellent)"),
        "- Vous posez vos questions",
        "évaluation inconnue « excellent » : écrivez (meilleur), (acceptable) ou (préjudiciable)",
    ),
    "missing consequence": (
        BODY.replace("  > Il répond à sa place ; elle baisse les yeux.\n", ""),
        "- Vous posez vos questions",
        "choix sans conséquence : ajoutez sous le choix une ligne « > … »",
    ),
    "consequence not indented": (
        BODY.replace("  > Il répond à sa place", "> Il répond à sa place"),
        "> Il répond à sa place",
        "une conséquence « > » se place sous son choix, indentée de deux espaces",
    ),
    "text after the choices": (
        BODY.replace("  > Elle repart.\n", "  > Elle repart.\n\nUn dernier mot.\n"),
        "Un dernier mot.",
        "texte après les choix : le texte d'une étape se place avant sa liste de choix",
    ),
    "duplicate key": (
        BODY + "\n## Fin relais : Encore\n\nBilan.\n",
        "## Fin relais : Encore",
        "clé « relais » déjà prise ligne",
    ),
    "bad key": (
        BODY.replace("## Étape seule :", "## Étape Seule :").replace("→ seule", "→ Seule"),
        "## Étape Seule",
        "clé invalide « Seule » : lettres minuscules sans accent, chiffres et tirets, 40"
        " caractères au plus",
    ),
    "key too long": (
        BODY.replace("seule", "s" * 41),
        "## Étape sss",
        f"clé invalide « {'s' * 41} »",
    ),
    "missing title": (
        BODY.replace("## Étape seule : Seule avec vous", "## Étape seule"),
        "## Étape seule",
        "titre manquant : écrivez « ## Étape seule : <titre> »",
    ),
    "heading neither Étape nor Fin": (
        BODY + "\n## Conclusion\n\nBilan.\n",
        "## Conclusion",
        "titre inattendu « ## Conclusion » : une mise en situation se découpe en « ## Étape"
        " <clé> : <titre> »",
    ),
    "first stage an ending": (
        BODY.replace("## Étape accueil", "## Fin tot : Trop tôt\n\nBilan.\n\n## Étape accueil"),
        "## Fin tot",
        "la première partie doit être une « ## Étape »",
    ),
    "no ending": (
        TWO_LOOPING,
        None,
        "mise en situation sans fin : ajoutez au moins une « ## Fin <clé> : <titre> »",
    ),
    "no stage": ("Départ seulement.\n", "Départ seulement.", "mise en situation sans étape"),
    "empty starting situation": (
        BODY.split("\n", 2)[2],
        "## Étape accueil",
        "situation de départ manquante",
    ),
    "empty stage text": (
        BODY.replace("Elle montre des bleus.\n", ""),
        "## Étape seule",
        "étape sans texte : décrivez la situation sous le titre, avant la liste des choix",
    ),
    "empty debrief": (
        BODY.replace("Bilan : ne *jamais* faire traduire par l'accompagnant.\n", ""),
        "## Fin traduction",
        "fin sans bilan : écrivez sous le titre ce que cette fin enseigne",
    ),
    "two paragraphs in a choice": (
        BODY.replace(
            "- Vous la laissez repartir avec lui.",
            "- Vous la laissez repartir.\n\n  Avec lui.",
        ),
        "- Vous la laissez repartir.",
        "un choix tient en un seul paragraphe de texte",
    ),
    "best path looping": (
        BODY.replace("→ relais (meilleur)", "→ accueil (meilleur)").replace(
            "→ traduction (Prejudiciable)", "→ relais (acceptable)"
        ),
        "## Étape accueil",
        "le meilleur chemin tourne en rond",
    ),
    "best path under the scenario's pass mark": (
        BODY.replace("→ relais (meilleur)", "→ relais (acceptable)"),
        None,
        "le meilleur chemin obtient 75 %, sous la note de réussite de cette mise en situation"
        " (80 %) : personne ne peut réussir cette mise en situation",
    ),
    "too many stages": (
        BODY.replace("## Fin relais", "## Fin relais-0 : Zéro\n\nBilan.\n\n## Fin relais")
        + "".join(f"\n## Fin f{number} : F\n\nBilan.\n" for number in range(1, 27)),
        None,
        "une mise en situation a de 2 à 30 parties, étapes et fins comprises (31 trouvées)",
    ),
}


@pytest.mark.parametrize("name", ERRORS)
def test_each_rule_is_reported_at_its_line(course, name):
    body, fragment, message = ERRORS[name]
    header = HEADER.replace("pass_mark: 70", "pass_mark: 80") if "pass mark" in name else HEADER
    write(course, body, header)
    line = course.line_of(SCENARIO, fragment) if fragment else 1

    errors = errors_of(course)

    assert any(
        problem.path == course / SCENARIO and problem.line == line and message in problem.message
        for problem in errors
    ), [str(problem) for problem in errors]


def test_a_cycle_without_exit_is_reported_on_each_of_its_stages(course):
    body, _fragment, message = ERRORS["cycle without exit"]
    write(course, body)

    reported = [problem.line for problem in errors_of(course) if message in problem.message]

    assert reported == [
        course.line_of(SCENARIO, "## Étape boucle-a"),
        course.line_of(SCENARIO, "## Étape boucle-b"),
    ]


def test_the_best_path_is_held_to_the_course_pass_mark_by_default(course):
    body = BODY.replace("→ seule (meilleur)", "→ seule (acceptable)").replace(
        "→ relais (meilleur)", "→ relais (acceptable)"
    )
    write(course, body, HEADER.replace("pass_mark: 70\n", ""))

    [problem] = errors_of(course)

    assert (problem.path, problem.line) == (course / SCENARIO, 1)
    assert problem.message.startswith(
        "le meilleur chemin obtient 50 %, sous la note de réussite du cours (70 %)"
    )


@pytest.mark.parametrize("setting", ["max_attempts: 3", "shuffle: true"])
def test_quiz_settings_are_refused_in_a_scenario(course, setting):
    write(course, header=HEADER.replace("pass_mark: 70\n", f"pass_mark: 70\n{setting}\n"))
    key = setting.split(":")[0]

    [problem] = errors_of(course)

    assert (problem.path, problem.line, problem.message) == (
        course / SCENARIO,
        course.line_of(SCENARIO, setting),
        f"{key} n'est permis que dans un quiz",
    )


def test_ratings_points_and_labels():
    assert RATINGS == {"meilleur": "best", "acceptable": "acceptable", "préjudiciable": "harmful"}
    assert RATING_POINTS == {"best": 2, "acceptable": 1, "harmful": 0}
    assert set(RATING_LABELS) == set(RATING_POINTS)


@pytest.mark.parametrize(
    ("ratings", "score"),
    [
        ([], 0),
        (["best"], 100),
        (["harmful"], 0),
        (["best", "acceptable"], 75),
        (["acceptable", "harmful", "harmful"], 16),  # 100 × 1 / 6 = 16.67, rounded down
        (["best", "best", "acceptable"], 83),
    ],
)
def test_path_score(ratings, score):
    assert path_score(ratings) == score


def test_best_path_takes_the_highest_rated_choice_first_among_ties():
    stages = [
        _stage("a", ("fin-1", "acceptable"), ("b", "best"), ("fin-1", "best")),
        _stage("b", ("fin-1", "acceptable"), ("fin-2", "acceptable")),
        _stage("fin-1"),
        _stage("fin-2"),
    ]

    assert best_path(stages) == [("a", 1), ("b", 0)]
    assert best_path_score(stages) == 75


def test_best_path_is_none_when_it_comes_back_to_a_stage():
    stages = [
        _stage("a", ("b", "best"), ("fin", "harmful")),
        _stage("b", ("a", "best"), ("fin", "acceptable")),
        _stage("fin"),
    ]

    assert best_path(stages) is None
    assert best_path_score(stages) is None


def test_best_path_works_on_any_object_with_the_same_attributes():
    @dataclass
    class Row:
        key: str
        is_ending: bool
        choices: list = field(default_factory=list)

    @dataclass
    class ChoiceRow:
        rating: str
        next_stage: str

    stages = [Row("a", False, [ChoiceRow("harmful", "x"), ChoiceRow("best", "y")]),
              Row("x", True), Row("y", True)]  # fmt: skip

    assert best_path(stages) == [("a", 1)]
    assert best_path([Row("x", True)]) == []
    assert best_path([]) is None


def _canonical_step_before_scenarios(step, course_pass_mark, image_hashes):
    """canonical_step as it was before scenarios: the hashes of lessons and quizzes (and so
    the published versions of the catalogue) must not move."""
    is_quiz = step.kind == "quiz"
    return {
        "kind": step.kind,
        "title": step.title,
        "estimated_minutes": step.estimated_minutes,
        "pass_mark": (step.pass_mark if step.pass_mark is not None else course_pass_mark)
        if is_quiz
        else None,
        "max_attempts": step.max_attempts,
        "shuffle": step.shuffle,
        "body": step.body,
        "questions": [parsed_module._canonical_question(q) for q in step.questions],
        "images": {path: image_hashes.get(path, "") for path in sorted(step.images)},
    }


@pytest.mark.parametrize("folder", catalogue_courses(), ids=lambda path: path.name)
def test_the_catalogue_hashes_are_those_of_before_scenarios(folder, monkeypatch):
    course = parse_course(folder)
    images = {asset.path: hashlib.sha256(asset.data).hexdigest() for asset in course.assets}
    for step in course.steps:
        if step.kind != "scenario":
            old = sha256_of(_canonical_step_before_scenarios(step, course.pass_mark, images))
            assert step.content_hash == old, step.key
    if any(step.kind == "scenario" for step in course.steps):
        return  # a course that gains a scenario gets a new hash anyway
    new_hash = course.content_hash

    monkeypatch.setattr(parsed_module, "canonical_step", _canonical_step_before_scenarios)
    parsed_module.compute_hashes(course)

    assert course.content_hash == new_hash


def test_the_example_of_the_guide_is_a_valid_scenario(course):
    guide = (ROOT / "docs" / "format-des-cours.md").read_text(encoding="utf-8")
    section = guide.split("## Écrire une mise en situation\n", 1)[1]
    example = section.split("````markdown\n", 1)[1].split("````", 1)[0]
    course.write(SCENARIO, example)

    parsed = parse_course(course.path)
    step = next(step for step in parsed.steps if step.key == STEP_KEY)

    assert parsed.warnings == []
    assert [stage.key for stage in step.stages] == [
        "accueil",
        "seule",
        "report",
        "traduction",
        "relais",
    ]
    assert best_path(step.stages) == [("accueil", 0), ("seule", 0)]
    assert best_path_score(step.stages) == 100
