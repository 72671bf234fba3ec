"""Fixtures of the learner's journey: the example course imported, learners, quiz helpers."""

import re
from pathlib import Path

import sqlalchemy as sa

from tests.conftest import csrf_token
from tests.content.conftest import copy_example
from training.catalog.models import Enrolment
from training.content import services as content
from training.content.models import Question, Step
from training.extensions import db
from training.timeutils import utcnow

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "exemple-cours"
SLUG = "exemple-cours"
LESSON_1 = "01-decouvrir/01-les-trois-elements"
LESSON_2 = "01-decouvrir/02-a-qui-signaler"
QUIZ = "02-verifier/01-quiz"
#: A course made for the scenario tests: the example course and a scenario after its quiz.
SCENARIO_SLUG = "exemple-scenario"
SCENARIO = "02-verifier/02-mise-en-situation"
SCENARIO_FILE = """---
kind: scenario
title: Mise en situation d'essai
pass_mark: 70
---
Vous recevez une personne accompagnée.

## Étape accueil : L'accueil

Une personne arrive avec un accompagnant qui répond pour elle.

- Vous proposez un entretien seule à seule. → seule (meilleur)
  > Elle peut parler librement.
- Vous interrogez l'accompagnant. → retour (préjudiciable)
  > Il répond à sa place.

## Étape retour : Une seconde chance

L'accompagnant a répondu à tout.

- Vous revenez vers la personne pour lui proposer un entretien. → accueil (acceptable)
  > Mieux vaut tard que jamais.
- Vous clôturez l'entretien. → rompue (préjudiciable)
  > Le lien est rompu.

## Étape seule : Seule à seule

Elle hésite à parler.

- Vous lui dites ce que vous ferez de ce qu'elle dira. → relais (meilleur)
  > Elle sait à quoi s'attendre.
- Vous lui promettez le secret absolu. → relais (préjudiciable)
  > Une promesse que vous ne pourrez pas tenir.

## Fin relais : Un relais préparé

Bilan : vous avez préparé l'orientation.

## Fin rompue : Le lien rompu

Bilan : la personne ne reviendra peut-être pas.
"""


def import_scenario_course(app, folder: Path) -> str:
    """The example course with a scenario after its quiz, imported under its own slug from a
    copy in `folder`; returns the slug."""
    course = copy_example(folder, SCENARIO_SLUG)
    course.write(f"{SCENARIO}.md", SCENARIO_FILE)
    import_courses(app, course.path)
    return SCENARIO_SLUG


def import_courses(app, *paths: Path) -> None:
    with app.app_context():
        content.import_courses(list(paths))
        db.session.commit()


def complete_course(app, user, slug: str) -> None:
    """Record `user` as having completed the course `slug` (a prerequisite of the course a test
    is about), without going through its steps."""
    with app.app_context():
        version = content.latest_version(slug)
        db.session.add(
            Enrolment(
                user_id=user.id,
                course_id=version.course_id,
                version_id=version.id,
                cycle=1,
                profession_id=user.profession_id,
                territory_id=user.territory_id,
                completed_at=utcnow(),
            )
        )
        db.session.commit()


def enrol(client, slug: str = SLUG):
    return client.post(
        f"/formations/{slug}/inscription",
        data={"csrf_token": csrf_token(client, f"/formations/{slug}/")},
    )


def finish_lesson(client, key: str, slug: str = SLUG):
    return client.post(
        f"/formations/{slug}/{key}/terminer", data={"csrf_token": csrf_token(client)}
    )


def start_attempt(client, key: str = QUIZ, slug: str = SLUG):
    """Start an attempt; returns the attempt id."""
    response = client.post(
        f"/formations/{slug}/{key}/tentative", data={"csrf_token": csrf_token(client)}
    )
    assert response.status_code == 302, response.status_code
    return int(re.search(r"/tentatives/(\d+)", response.headers["Location"]).group(1))


def quiz_answers(app, right: bool | list[bool], key: str = QUIZ, slug: str = SLUG):
    """Form data answering every question right (True) or wrong (False), per question if a list."""
    with app.app_context():
        step = db.session.scalar(
            sa.select(Step).join(Step.version).where(Step.key == key).order_by(Step.id.desc())
        )
        questions = db.session.scalars(
            sa.select(Question).where(Question.step_id == step.id).order_by(Question.position)
        ).all()
        flags = right if isinstance(right, list) else [right] * len(questions)
        data = {}
        for question, wanted in zip(questions, flags, strict=True):
            if wanted:
                data[f"q{question.id}"] = [c.id for c in question.choices if c.is_correct]
            else:
                data[f"q{question.id}"] = [next(c.id for c in question.choices if not c.is_correct)]
    return data


def submit(client, attempt_id: int, data: dict):
    return client.post(f"/tentatives/{attempt_id}", data={**data, "csrf_token": csrf_token(client)})
