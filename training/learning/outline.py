"""A version's table of contents, read once per process (see training.published): the course
page, every step page, « reprendre », the catalogue and the monitoring summary draw it without
a query.
"""

from dataclasses import dataclass

import sqlalchemy as sa

from training.content.models import Module, Step
from training.extensions import db
from training.published import kept


@dataclass(frozen=True)
class OutlineModule:
    id: int
    key: str
    title: str
    #: The module's position in the course, from 1 (the monitoring funnel's « module-<n> »).
    position: int


@dataclass(frozen=True)
class OutlineStep:
    """A step as a table of contents shows it; the page of the step loads the step itself."""

    id: int
    key: str
    title: str
    kind: str
    estimated_minutes: int | None
    module: OutlineModule

    @property
    def module_id(self) -> int:
        return self.module.id


@dataclass(frozen=True)
class Outline:
    """A version's modules and steps in course order."""

    modules: tuple[OutlineModule, ...]
    steps: tuple[OutlineStep, ...]

    def index_of(self, step) -> int:
        """The position (from 0) of `step` (an OutlineStep or a Step row) in the course."""
        return next(i for i, candidate in enumerate(self.steps) if candidate.id == step.id)

    def neighbours(self, step) -> tuple[OutlineStep | None, OutlineStep | None]:
        index = self.index_of(step)
        previous = self.steps[index - 1] if index > 0 else None
        following = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return previous, following


def outline_of(version_id: int) -> Outline:
    """The version's outline: kept by the process, else read in one query of titles (no texts)."""
    return kept("outlines", version_id, _load_outline)


def _load_outline(version_id: int) -> Outline:
    rows = db.session.execute(
        sa.select(
            Step.id,
            Step.key,
            Step.title,
            Step.kind,
            Step.estimated_minutes,
            Module.id.label("module_id"),
            Module.key.label("module_key"),
            Module.title.label("module_title"),
            Module.position.label("module_position"),
        )
        .join(Module, Module.id == Step.module_id)
        .where(Step.version_id == version_id)
        .order_by(Module.position, Step.position)
    )
    modules: list[OutlineModule] = []
    steps: list[OutlineStep] = []
    for row in rows:
        if not modules or modules[-1].id != row.module_id:
            modules.append(
                OutlineModule(row.module_id, row.module_key, row.module_title, row.module_position)
            )
        steps.append(
            OutlineStep(row.id, row.key, row.title, row.kind, row.estimated_minutes, modules[-1])
        )
    return Outline(modules=tuple(modules), steps=tuple(steps))
