"""Demo activity for Miprof's dashboard: a few thousand learners over the last fifteen months.

Rows are written in bulk, as a data migration would, then the monitoring summary is rebuilt
from them: the figures a monitor sees in the demo go through the same code as real ones.
Draws are seeded, so every demo database shows the same figures for the same day.
"""

import random
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from training.accounts.models import Profession, Role, Territory, User
from training.catalog.models import Enrolment
from training.catalog.services import latest_versions
from training.certificates.codes import generate_code
from training.certificates.models import Certificate
from training.certificates.services import expiry_for
from training.content.models import Module, Step
from training.content.scenario import best_path, path_score
from training.demo.answers import SimulatedQuestion, simulate_attempt, simulated_questions
from training.extensions import db
from training.learning.models import QuizAttempt, ScenarioAttempt, StepCompletion
from training.learning.scenarios import Scenario, scenario_of
from training.learning.services import quiz_questions
from training.monitoring.models import TargetPopulation
from training.timeutils import PARIS, utcnow

EMAIL = "stat-{:05d}@demo.example.org"
MONTHS = 15
#: What becomes of the n-th enrolment of a month, in turn: so that every month of a pilot
#: territory has enough completions for its figures to be shown (not hidden as « < 5 »).
OUTCOMES = ("finished", "started", "finished", "never", "finished")
#: Enrolments per month and profession, by territory: pilot territories first.
VOLUME = {"paris": (18, 26), "marseille": (20, 26), "bordeaux": (12, 18), "autre": (8, 12)}
#: Illustrative target populations (not official figures), per profession.
TARGETS = {"enseignant": 2400, "sante": 3000, "travail-social": 900, "securite": 1500,
           "magistrat": 400, "inspection-travail": 250, "autre": 1200}  # fmt: skip


def demo_statistics_present() -> bool:
    return db.session.scalar(sa.select(User.id).where(User.email == EMAIL.format(1))) is not None


def load_demo_statistics(seed: int = 2026) -> int:
    """Create the demo learners and their activity unless present; returns enrolments made."""
    if demo_statistics_present():
        return 0
    rng = random.Random(seed)
    now = utcnow()
    territories = {t.code: t for t in db.session.scalars(sa.select(Territory))}
    professions = list(db.session.scalars(sa.select(Profession).order_by(Profession.position)))
    versions = {v.course.slug: v for v in latest_versions()}
    if "socle-commun" not in versions:
        return 0
    steps = _steps_by_version([v.id for v in versions.values()])
    users, enrolments = [], []
    for code, (low, high) in VOLUME.items():
        territory = territories.get(code)
        if territory is None:
            continue
        for profession in professions:
            track = next(
                (v for slug, v in versions.items()
                 if slug != "socle-commun" and profession.code in v.audiences),
                None,
            )  # fmt: skip
            for months_ago in range(MONTHS, -1, -1):
                for number in range(rng.randint(low, high)):
                    moment = _moment(rng, now, months_ago)
                    if moment > now:
                        continue
                    index = len(users) + 1
                    users.append(
                        {
                            "email": EMAIL.format(index),
                            "full_name": f"Apprenant de démonstration {index:05d}",
                            "password_hash": "!",  # no password: nobody logs in as them
                            "role": Role.LEARNER.value,
                            "profession_id": profession.id,
                            "territory_id": territory.id,
                            "consented_at": moment,
                            "email_confirmed_at": moment,
                            "created_at": moment,
                        }
                    )
                    courses = [versions["socle-commun"]]
                    if track is not None and rng.random() < 0.45:
                        courses.append(track)
                    for offset, version in enumerate(courses):
                        start = moment + timedelta(days=offset * 9)
                        enrolments.append((index, version, start, OUTCOMES[number % 5]))
    db.session.execute(sa.insert(User.__table__), users)
    user_ids = dict(
        db.session.execute(
            sa.select(User.email, User.id).where(User.email.like("stat-%@demo.example.org"))
        ).all()
    )
    _write_enrolments(rng, now, enrolments, user_ids, users, steps)
    _write_targets(territories, professions)
    return len(enrolments)


def _moment(rng: random.Random, now: datetime, months_ago: int) -> datetime:
    day = (now - timedelta(days=30.4 * months_ago)).astimezone(PARIS).date()
    day = day.replace(day=rng.randint(1, 28))
    return datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59)), PARIS).astimezone(
        UTC
    )


def _steps_by_version(version_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    result: dict[int, list[tuple[int, str]]] = {version_id: [] for version_id in version_ids}
    for step_id, version_id, kind in db.session.execute(
        sa.select(Step.id, Step.version_id, Step.kind)
        .join(Module, Module.id == Step.module_id)
        .where(Step.version_id.in_(version_ids))
        .order_by(Module.position, Step.position)
    ):
        result[version_id].append((step_id, kind))
    return result


def _write_enrolments(rng, now, enrolments, user_ids, users, steps) -> None:
    profile = {row["email"]: row for row in users}
    enrolment_rows = []
    for index, version, moment, _outcome in enrolments:
        email = EMAIL.format(index)
        enrolment_rows.append(
            {
                "user_id": user_ids[email],
                "course_id": version.course_id,
                "version_id": version.id,
                "cycle": 1,
                "profession_id": profile[email]["profession_id"],
                "territory_id": profile[email]["territory_id"],
                "enrolled_at": min(moment, now),
            }
        )
    db.session.execute(sa.insert(Enrolment.__table__), enrolment_rows)
    rows = db.session.execute(
        sa.select(Enrolment.id, Enrolment.user_id, Enrolment.version_id, Enrolment.enrolled_at)
        .join(User, User.id == Enrolment.user_id)
        .where(User.email.like("stat-%@demo.example.org"))
        .order_by(Enrolment.id)
    ).all()
    names = {row["email"]: row["full_name"] for row in users}
    emails = {user_id: email for email, user_id in user_ids.items()}
    versions = {v.id: v for v in latest_versions()}
    quizzes = _quizzes(versions.values(), steps)
    scenario_steps = _scenarios(versions.values(), steps)
    completions, attempts, plays, certificates, completed = [], [], [], [], []
    outcomes = [outcome for *_, outcome in enrolments]
    for (enrolment_id, user_id, version_id, enrolled_at), outcome in zip(
        rows, outcomes, strict=True
    ):
        enrolled_at = enrolled_at.replace(tzinfo=enrolled_at.tzinfo or UTC)
        version_steps = steps[version_id]
        if outcome == "never":
            continue
        finish = outcome == "finished"
        count = len(version_steps) if finish else rng.randint(1, len(version_steps) - 1)
        moment = enrolled_at
        for step_id, kind in version_steps[:count]:
            moment = min(moment + timedelta(hours=rng.randint(2, 30)), now)
            completions.append(
                {"enrolment_id": enrolment_id, "step_id": step_id, "completed_at": moment}
            )
            if kind == "quiz":
                attempts.extend(_passed_quiz(rng, enrolment_id, step_id, quizzes[step_id], moment))
            if kind == "scenario":
                plays.extend(_passed_scenario(rng, enrolment_id, scenario_steps[step_id], moment))
        if finish:
            completed.append({"id": enrolment_id, "completed_at": moment})
            version = versions[version_id]
            completed_on = moment.astimezone(PARIS).date()
            certificates.append(
                {
                    "code": generate_code(), "enrolment_id": enrolment_id,
                    "holder_name": names[emails[user_id]], "course_slug": version.course.slug,
                    "course_title": version.title, "course_version": version.number,
                    "course_minutes": version.estimated_minutes, "completed_on": completed_on,
                    "expires_on": expiry_for(completed_on, version.certificate_validity_months),
                    "issuer": current_app.config["CERTIFICATE_ISSUER"], "issued_at": moment,
                }
            )  # fmt: skip
    db.session.execute(sa.insert(StepCompletion.__table__), completions)
    db.session.execute(sa.insert(QuizAttempt.__table__), attempts)
    if plays:
        db.session.execute(sa.insert(ScenarioAttempt.__table__), plays)
    db.session.execute(sa.update(Enrolment), completed)
    db.session.execute(sa.insert(Certificate.__table__), certificates)


def _quizzes(versions, steps) -> dict[int, tuple[int, list[SimulatedQuestion]]]:
    """Quiz step id -> (pass mark, its questions ready for simulated answers)."""
    by_id = {step.id: step for step in db.session.scalars(
        sa.select(Step).where(Step.id.in_(
            [step_id for v in versions for step_id, kind in steps[v.id] if kind == "quiz"]
        ))
    )}  # fmt: skip
    return {
        step_id: (step.effective_pass_mark, simulated_questions(step.key, quiz_questions(step)))
        for step_id, step in by_id.items()
    }


def _scenarios(versions, steps) -> dict[int, tuple[Step, Scenario]]:
    """Scenario step id -> the step and its stages."""
    ids = [step_id for v in versions for step_id, kind in steps[v.id] if kind == "scenario"]
    return {
        step.id: (step, scenario_of(step))
        for step in db.session.scalars(sa.select(Step).where(Step.id.in_(ids)))
    }


def _passed_scenario(rng, enrolment_id, scenario: tuple[Step, Scenario], moment) -> list[dict]:
    """The plays of a learner who passed this scenario: a first one where each decision is the
    best choice with a probability drawn per learner (the trainers' choice counts), then, when
    it failed, one along the best path."""
    step, stages = scenario
    skill = min(max(rng.gauss(0.7, 0.15), 0.2), 0.95)
    best = dict(best_path(list(stages.stages.values())) or [])
    path, stage = [], stages.first
    while not stage.is_ending and len(path) < 2 * len(stages.stages):
        choice = stage.choices[best[stage.key]] if stage.key in best else stage.choices[0]
        if rng.random() > skill:
            choice = rng.choice(stage.choices)
        path.append(choice)
        stage = stages.stages[choice.next_stage]
    plays = []
    for number, taken in ((1, path), (2, [])):
        if number == 2:
            taken = [stages.stages[key].choices[index] for key, index in best.items()]
        ending = stages.stages[taken[-1].next_stage]
        if not ending.is_ending:
            continue
        score = path_score([choice.rating for choice in taken])
        plays.append(
            {
                "enrolment_id": enrolment_id, "step_id": step.id, "number": len(plays) + 1,
                "pass_mark": step.effective_pass_mark, "started_at": moment,
                "stage_key": ending.key, "path": [choice.id for choice in taken],
                "decisions": len(taken), "finished_at": moment, "score": score,
                "passed": score >= step.effective_pass_mark,
            }
        )  # fmt: skip
        if plays[-1]["passed"]:
            break
    return plays


def _passed_quiz(rng, enrolment_id, step_id, quiz, moment) -> list[dict]:
    """The attempts of a learner who passed this quiz: a first one with simulated answers and,
    when it failed, a second one that passed."""
    pass_mark, questions = quiz
    attempts = []
    ability = rng.gauss(0.7, 0.15)
    for number in (1, 2):
        answers, score, passed = simulate_attempt(rng, questions, ability, pass_mark)
        if number == 2 and not passed:
            answers = {str(q.key.id): sorted(q.key.correct_choice_ids) for q in questions}
            score, passed = 100, True
        attempts.append(
            {
                "enrolment_id": enrolment_id, "step_id": step_id, "number": number,
                "pass_mark": pass_mark, "choice_order": {}, "started_at": moment,
                "submitted_at": moment, "answers": answers, "score": score, "passed": passed,
            }
        )  # fmt: skip
        if passed:
            break
        ability += 0.2
    return attempts


def _write_targets(territories: dict, professions: list[Profession]) -> None:
    for code in ("paris", "marseille", "bordeaux"):
        territory = territories.get(code)
        for profession in professions:
            population = TARGETS.get(profession.code)
            if territory is None or population is None:
                continue
            exists = db.session.scalar(
                sa.select(TargetPopulation.id).filter_by(
                    territory_id=territory.id, profession_id=profession.id
                )
            )
            if exists is None:
                db.session.add(
                    TargetPopulation(
                        territory=territory,
                        profession=profession,
                        population=population,
                        source="Chiffres de démonstration — à remplacer",
                        year=2026,
                    )
                )
