"""Playing a scenario: one decision per POST, consequences, the review at the end, replays,
completion; reloads and stale pages record nothing; trainers' choice counts; the export."""

import re

import pytest
import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.learning.conftest import (
    LESSON_1,
    LESSON_2,
    QUIZ,
    SCENARIO,
    SCENARIO_SLUG,
    enrol,
    finish_lesson,
    import_scenario_course,
    quiz_answers,
    start_attempt,
    submit,
)
from training.accounts.models import Role
from training.catalog.models import Enrolment
from training.content.models import ScenarioChoice, ScenarioStage, Step
from training.content.rendering import rerender_version
from training.extensions import db
from training.learning.models import ScenarioAttempt, StepCompletion
from training.privacy.services import personal_data


@pytest.fixture
def scenario_course(app, tmp_path) -> str:
    return import_scenario_course(app, tmp_path)


@pytest.fixture
def learner(login_as, scenario_course):
    client = login_as()
    enrol(client, SCENARIO_SLUG)
    return client


def choice_ids(app) -> dict[str, int]:
    """Choice ids by stage and the first three words of their text ("accueil:Vous proposez un")."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(ScenarioStage.key, ScenarioChoice.id, ScenarioChoice.text_html)
            .join(ScenarioChoice.stage)
            .join(Step, Step.id == ScenarioStage.step_id)
            .where(Step.key == SCENARIO)
        ).all()
    return {f"{key}:{' '.join(text.split()[:3])}": id_ for key, id_, text in rows}


def start(client) -> int:
    response = client.post(
        f"/formations/{SCENARIO_SLUG}/{SCENARIO}/mise-en-situation",
        data={"csrf_token": csrf_token(client)},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/mises-en-situation/(\d+)$", response.location).group(1))


def decide(client, play_id: int, stage: str, number: int, choice: int | None):
    data = {"csrf_token": csrf_token(client), "etape": stage, "decision": str(number)}
    if choice is not None:
        data["choix"] = str(choice)
    return client.post(f"/mises-en-situation/{play_id}", data=data)


def play_path(client, app, play_id: int, moves: list[tuple[str, str]]) -> None:
    ids = choice_ids(app)
    for number, (stage, choice) in enumerate(moves):
        response = decide(client, play_id, stage, number, ids[f"{stage}:{choice}"])
        assert response.status_code == 302, response.get_data(as_text=True)
        assert response.location.endswith(f"/mises-en-situation/{play_id}#consequence")


def play_row(app, play_id: int) -> ScenarioAttempt:
    with app.app_context():
        play = db.session.get(ScenarioAttempt, play_id)
        db.session.expunge(play)
        return play


def scenario_done(app, client) -> bool:
    with app.app_context():
        return (
            db.session.scalar(
                sa.select(StepCompletion.id)
                .join(Enrolment, Enrolment.id == StepCompletion.enrolment_id)
                .join(Step, Step.id == StepCompletion.step_id)
                .where(Enrolment.user_id == client.user.id, Step.key == SCENARIO)
            )
            is not None
        )


def test_a_harmful_decision_shows_its_consequence_then_the_play_goes_on(app, learner):
    play_id = start(learner)
    page = learner.get(f"/mises-en-situation/{play_id}").get_data(as_text=True)
    assert '<h2 id="etape-titre">L&#39;accueil</h2>' in page
    assert 'id="choix-legende">L&#39;accueil : que faites-vous ?</legend>' in page
    assert "consequence" not in page.split("<main")[1].split('id="etape-titre"')[0]

    play_path(learner, app, play_id, [("accueil", "Vous interrogez l'accompagnant.")])
    page = learner.get(f"/mises-en-situation/{play_id}").get_data(as_text=True)
    consequence = page.split('id="consequence"')[1].split('id="etape-titre"')[0]
    assert "Il répond à sa place." in consequence
    assert "Vous interrogez l'accompagnant." in consequence
    assert '<h2 id="etape-titre">Une seconde chance</h2>' in page


def test_an_ending_shows_the_path_beside_the_best_path_the_debrief_and_the_score(app, learner):
    play_id = start(learner)
    play_path(
        learner,
        app,
        play_id,
        [("accueil", "Vous interrogez l'accompagnant."), ("retour", "Vous clôturez l'entretien.")],
    )
    play = play_row(app, play_id)
    assert (play.finished_at is not None, play.score, play.passed) == (True, 0, False)
    assert play.stage_key == "rompue"
    page = learner.get(f"/mises-en-situation/{play_id}").get_data(as_text=True)
    assert "Mise en situation non réussie : 0 %" in page
    assert "Bilan : la personne ne reviendra peut-être pas." in page
    taken = page.split('id="parcours-titre"')[1].split('id="meilleur-titre"')[0]
    best = page.split('id="meilleur-titre"')[1]
    assert taken.count("Choix préjudiciable") == 2
    assert "Le lien est rompu." in taken
    assert "Vous proposez un entretien seule à seule." in best
    assert "Vous lui dites ce que vous ferez de ce qu'elle dira." in best
    assert best.count("Meilleur choix") == 2
    assert not scenario_done(app, learner)


def test_a_replay_reaching_the_best_ending_validates_the_step_and_the_best_play_counts(
    app, learner
):
    first = start(learner)
    play_path(
        learner,
        app,
        first,
        [("accueil", "Vous interrogez l'accompagnant."), ("retour", "Vous clôturez l'entretien.")],
    )
    second = start(learner)
    assert second != first
    assert play_row(app, second).number == 2
    play_path(learner, app, second, [("accueil", "Vous proposez un"), ("seule", "Vous lui dites")])
    assert (play_row(app, second).score, play_row(app, second).passed) == (100, True)
    assert scenario_done(app, learner)
    page = learner.get(f"/formations/{SCENARIO_SLUG}/{SCENARIO}").get_data(as_text=True)
    assert "Mise en situation réussie" in page
    assert "Meilleur score : 100 %" in page
    assert "Partie 1</a> : 0 % — non réussie" in page
    assert "Partie 2</a> : 100 % — réussie" in page
    third = start(learner)  # replays stay allowed; a worse one takes nothing away
    play_path(
        learner,
        app,
        third,
        [("accueil", "Vous interrogez l'accompagnant."), ("retour", "Vous clôturez l'entretien.")],
    )
    assert scenario_done(app, learner)


def test_a_cycle_back_to_a_stage_is_played_and_scored_on_every_decision(app, learner):
    play_id = start(learner)
    play_path(
        learner,
        app,
        play_id,
        [
            ("accueil", "Vous interrogez l'accompagnant."),
            ("retour", "Vous revenez vers"),
            ("accueil", "Vous proposez un"),
            ("seule", "Vous lui dites"),
        ],
    )
    play = play_row(app, play_id)
    assert play.decisions == 4
    assert (play.score, play.passed) == (62, False)  # (0 + 1 + 2 + 2) / 8, under 70


def test_the_course_is_complete_only_once_the_scenario_is_passed(app, learner):
    finish_lesson(learner, LESSON_1, SCENARIO_SLUG)
    finish_lesson(learner, LESSON_2, SCENARIO_SLUG)
    attempt_id = start_attempt(learner, QUIZ, SCENARIO_SLUG)
    submit(learner, attempt_id, quiz_answers(app, True, QUIZ, SCENARIO_SLUG))

    def completed() -> bool:
        with app.app_context():
            enrolment = db.session.scalar(sa.select(Enrolment).filter_by(user_id=learner.user.id))
            return enrolment.completed_at is not None

    assert not completed()
    play_id = start(learner)
    play_path(learner, app, play_id, [("accueil", "Vous proposez un"), ("seule", "Vous lui dites")])
    assert completed()
    refused = learner.post(
        f"/formations/{SCENARIO_SLUG}/{SCENARIO}/mise-en-situation",
        data={"csrf_token": csrf_token(learner)},
        follow_redirects=True,
    )
    assert "ses résultats restent ceux de la fin" in refused.get_data(as_text=True)


def test_a_decision_sent_twice_is_recorded_once(app, learner):
    play_id = start(learner)
    ids = choice_ids(app)
    assert (
        decide(
            learner, play_id, "accueil", 0, ids["accueil:Vous interrogez l'accompagnant."]
        ).status_code
        == 302
    )
    again = decide(learner, play_id, "accueil", 0, ids["accueil:Vous interrogez l'accompagnant."])
    assert again.status_code == 409
    page = again.get_data(as_text=True)
    assert "Cette décision était déjà prise" in page
    assert "Une seconde chance" in page  # where the play stands
    assert play_row(app, play_id).path == [ids["accueil:Vous interrogez l'accompagnant."]]


def test_a_choice_sent_from_a_stage_already_left_is_not_recorded(app, learner):
    """The back button shows the first stage again; choosing there changes nothing."""
    play_id = start(learner)
    ids = choice_ids(app)
    decide(learner, play_id, "accueil", 0, ids["accueil:Vous interrogez l'accompagnant."])
    stale = decide(learner, play_id, "accueil", 0, ids["accueil:Vous proposez un"])
    assert stale.status_code == 409
    assert play_row(app, play_id).path == [ids["accueil:Vous interrogez l'accompagnant."]]
    assert start(learner) == play_id  # the play in progress is resumed, not replaced


def test_no_choice_ticked_is_a_clear_422_and_records_nothing(app, learner):
    play_id = start(learner)
    response = decide(learner, play_id, "accueil", 0, None)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Aucun choix coché" in page
    assert "Choisissez une réponse." in page
    assert play_row(app, play_id).decisions == 0


@pytest.mark.parametrize(
    "form",
    [
        {"etape": "accueil", "decision": "0", "choix": "seule"},
        {"etape": "accueil", "decision": "zéro", "choix": "1"},
        {"etape": "accueil", "decision": "0", "choix": "OTHER_STAGE"},
    ],
)
def test_forged_decisions_are_refused_without_recording(app, learner, form):
    play_id = start(learner)
    ids = choice_ids(app)
    if form["choix"] == "OTHER_STAGE":
        form = {**form, "choix": str(ids["seule:Vous lui dites"])}
    response = learner.post(
        f"/mises-en-situation/{play_id}", data={**form, "csrf_token": csrf_token(learner)}
    )
    assert response.status_code == 400
    assert play_row(app, play_id).decisions == 0


def test_another_learners_play_is_not_found(app, learner, login_as):
    play_id = start(learner)
    other = login_as()
    enrol(other, SCENARIO_SLUG)
    assert other.get(f"/mises-en-situation/{play_id}").status_code == 404
    ids = choice_ids(app)
    assert decide(other, play_id, "accueil", 0, ids["accueil:Vous proposez un"]).status_code == 404
    assert play_row(app, play_id).decisions == 0


def test_trainers_see_choice_counts_of_first_plays_hidden_under_five(
    app, login_as, scenario_course
):
    learners = []
    for _ in range(5):
        client = login_as()
        enrol(client, SCENARIO_SLUG)
        learners.append(client)
    for index, client in enumerate(learners):
        play_id = start(client)
        choice = "Vous interrogez l'accompagnant." if index < 2 else "Vous proposez un"
        play_path(client, app, play_id, [("accueil", choice)])
    first_learner = learners[0]
    finish = decide(
        first_learner,
        start(first_learner),
        "retour",
        1,
        choice_ids(app)["retour:Vous clôturez l'entretien."],
    )
    assert finish.status_code == 302
    replay = start(first_learner)  # a second play is not a first play: not counted
    play_path(first_learner, app, replay, [("accueil", "Vous proposez un")])
    admin = login_as(Role.ADMIN)
    page = admin.get(f"/sessions/statistiques/{SCENARIO_SLUG}/{SCENARIO}").get_data(as_text=True)
    assert "Premières parties : 5." in page
    accueil = page.split("L&#39;accueil</h2>")[1].split("</section>")[0]
    rows = [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr><td>(.*?)</tr>", accueil, re.S)
    ]
    assert rows == [
        "Vous proposez un entretien seule à seule. Meilleur choix 3 60 %",
        "Vous interrogez l'accompagnant. Choix préjudiciable 2 40 %",
    ]
    seule = page.split("Seule à seule</h2>")[1].split("</section>")[0]
    assert "Moins de 5 décisions à cette étape (0)" in seule
    index = admin.get("/sessions/statistiques").get_data(as_text=True)
    assert f"/sessions/statistiques/{SCENARIO_SLUG}/{SCENARIO}" in index


def test_plays_are_in_the_personal_data_export(app, learner):
    play_id = start(learner)
    play_path(
        learner,
        app,
        play_id,
        [("accueil", "Vous interrogez l'accompagnant."), ("retour", "Vous clôturez l'entretien.")],
    )
    with app.app_context():
        from training.accounts.models import User

        data = personal_data(db.session.get(User, learner.user.id))
    (enrolment,) = [e for e in data["inscriptions"] if e["formation"] == SCENARIO_SLUG]
    (play,) = enrolment["mises_en_situation"]
    assert play["choix"] == ["Vous interrogez l'accompagnant.", "Vous clôturez l'entretien."]
    assert (play["partie"], play["score"], play["reussie"]) == (1, 0, False)


def test_rendering_a_scenario_again_changes_nothing(app, scenario_course):
    with app.app_context():
        step = db.session.scalar(sa.select(Step).where(Step.key == SCENARIO))
        assert rerender_version(step.version) == 0
        stage = db.session.scalar(sa.select(ScenarioStage).where(ScenarioStage.key == "seule"))
        stage.text_html = "<p>périmé</p>"
        stage.choices[0].consequence_html = "<p>périmé</p>"
        assert rerender_version(step.version) == 2
        assert stage.text_html == "<p>Elle hésite à parler.</p>\n"
        db.session.rollback()
