"""Playing a scenario: plays, decisions one at a time, the review at the end.

A decision names the stage it answers and how many decisions came before it; it is recorded
only if the play is still there, by a conditional UPDATE on that count. A reload, the back button
or a second tab therefore never records a decision twice nor one taken on a stage already left:
the learner is shown where the play stands instead. The step is done when a play reaches an
ending with at least its pass mark; replays are allowed and the best play counts.

Functions flush but never commit, like the rest of the learning services.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from training.accounts.models import User
from training.catalog.models import Enrolment
from training.content.models import ScenarioChoice, ScenarioStage, Step
from training.content.scenario import best_path, path_score
from training.extensions import db
from training.learning.grading import ForgedAnswerError
from training.learning.models import ScenarioAttempt
from training.learning.services import LearningError, complete_if_done, record_done
from training.timeutils import utcnow


@dataclass(frozen=True)
class Scenario:
    """A scenario's stages by key, in file order (the first is where play starts)."""

    stages: dict[str, ScenarioStage]

    @property
    def first(self) -> ScenarioStage:
        return next(iter(self.stages.values()))

    def choice(self, choice_id: int) -> tuple[ScenarioStage, ScenarioChoice]:
        for stage in self.stages.values():
            for choice in stage.choices:
                if choice.id == choice_id:
                    return stage, choice
        raise KeyError(choice_id)


def scenario_of(step: Step) -> Scenario:
    """The stages of `step` and their choices, in two queries."""
    stages = db.session.scalars(
        sa.select(ScenarioStage)
        .where(ScenarioStage.step_id == step.id)
        .options(selectinload(ScenarioStage.choices))
        .order_by(ScenarioStage.position)
    )
    return Scenario({stage.key: stage for stage in stages})


def plays_of(enrolment: Enrolment, step: Step) -> list[ScenarioAttempt]:
    return list(
        db.session.scalars(
            sa.select(ScenarioAttempt)
            .where(ScenarioAttempt.enrolment_id == enrolment.id, ScenarioAttempt.step_id == step.id)
            .order_by(ScenarioAttempt.number)
        )
    )


def start_play(enrolment: Enrolment, step: Step) -> ScenarioAttempt:
    """The play in progress of this scenario, or a new one (replays are unlimited)."""
    if step.version_id != enrolment.version_id or step.kind != "scenario":
        raise LearningError("Cette mise en situation ne fait pas partie de votre formation.")
    if enrolment.completed_at is not None:
        raise LearningError(
            "Vous avez terminé cette formation : ses résultats restent ceux de la fin."
        )
    plays = plays_of(enrolment, step)
    open_play = next((play for play in plays if play.finished_at is None), None)
    if open_play is not None:
        return open_play
    play = ScenarioAttempt(
        enrolment_id=enrolment.id,
        step_id=step.id,
        number=len(plays) + 1,
        pass_mark=step.effective_pass_mark,
        stage_key=scenario_of(step).first.key,
        path=[],
        decisions=0,
    )
    try:
        with db.session.begin_nested():
            db.session.add(play)
    except IntegrityError:
        # Two starts at once: the other one created this number; its play is the open one.
        concurrent = next((p for p in plays_of(enrolment, step) if p.finished_at is None), None)
        if concurrent is None:
            raise
        return concurrent
    return play


def play_for(user: User, play_id: int) -> ScenarioAttempt | None:
    """The play if it is this learner's; None otherwise (the view answers 404)."""
    return db.session.scalar(
        sa.select(ScenarioAttempt)
        .join(ScenarioAttempt.enrolment)
        .options(contains_eager(ScenarioAttempt.enrolment), joinedload(ScenarioAttempt.step))
        .where(ScenarioAttempt.id == play_id, Enrolment.user_id == user.id)
    )


class NoChoiceError(LearningError):
    """A decision sent without a choice ticked: a person's slip, shown next to the choices."""

    def __init__(self) -> None:
        super().__init__("Choisissez une réponse.")


@dataclass(frozen=True)
class Decision:
    #: False when the play had moved on (a reload, another tab): nothing was recorded.
    recorded: bool
    course_completed: bool = False


def decide(
    play: ScenarioAttempt, scenario: Scenario, stage_key: str, number: int, choice_id: int | None
) -> Decision:
    """Record the choice `choice_id` taken on `stage_key` as decision `number` (0-based).

    Not recorded when the play is no longer there (see the module's docstring). Raises
    NoChoiceError when no choice was ticked on the stage the play stands at, ForgedAnswerError
    for a choice that is not one of that stage's (not a mistake a person can make with the form).
    """
    if (
        play.finished_at is not None
        or stage_key != play.stage_key
        or number != play.decisions
        or stage_key not in scenario.stages
    ):
        return Decision(recorded=False)
    if choice_id is None:
        raise NoChoiceError
    stage = scenario.stages[stage_key]
    choice = next((c for c in stage.choices if c.id == choice_id), None)
    if choice is None:
        raise ForgedAnswerError(f"choice {choice_id} is not one of stage {stage_key!r}")
    path = [*play.path, choice.id]
    values: dict = {"path": path, "decisions": number + 1, "stage_key": choice.next_stage}
    if scenario.stages[choice.next_stage].is_ending:
        score = path_score([scenario.choice(choice_id)[1].rating for choice_id in path])
        values |= {"finished_at": utcnow(), "score": score, "passed": score >= play.pass_mark}
    changed = db.session.execute(
        sa.update(ScenarioAttempt)
        .where(
            ScenarioAttempt.id == play.id,
            ScenarioAttempt.decisions == number,
            ScenarioAttempt.finished_at.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(play)
    if changed != 1:
        return Decision(recorded=False)
    if not play.passed:
        return Decision(recorded=True)
    enrolment = play.enrolment
    record_done(enrolment, play.step)
    return Decision(recorded=True, course_completed=complete_if_done(enrolment))


@dataclass(frozen=True)
class Move:
    """One decision of a path: where it was taken, what was chosen, where it led."""

    stage: ScenarioStage
    choice: ScenarioChoice


@dataclass(frozen=True)
class Review:
    """What the end of a play shows: the path taken beside the best path, and the ending."""

    taken: list[Move]
    best: list[Move]
    ending: ScenarioStage


def moves(scenario: Scenario, choice_ids: list[int]) -> list[Move]:
    return [Move(*scenario.choice(choice_id)) for choice_id in choice_ids]


def review_of(play: ScenarioAttempt, scenario: Scenario) -> Review:
    best = best_path(list(scenario.stages.values())) or []
    return Review(
        taken=moves(scenario, play.path),
        best=[Move(scenario.stages[key], scenario.stages[key].choices[i]) for key, i in best],
        ending=scenario.stages[play.stage_key],
    )
