"""A version's table of contents, read once per process.

A published version never changes: its modules and steps, their keys, titles and kinds are fixed
at import (`flask courses rerender` rewrites HTML only, which the outline does not hold). So the
outline is kept, as plain data detached from any database session, in a cache of the
application: the course page, every step page and « reprendre » draw it without a query. Row
ids are never reused in production (PostgreSQL sequences, no version is ever deleted); the
tests, whose rolled-back transactions do reuse them, empty the cache after each test.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from training.content.models import Module, Step
from training.extensions import db

#: Outlines kept per process; the whole cache is dropped when it is full (versions are few).
MAX_CACHED_OUTLINES = 256
_CACHE_KEY = "learning.outlines"


@dataclass(frozen=True)
class OutlineModule:
    id: int
    key: str
    title: str


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
    """The version's outline: from the cache, else in one query of titles (no texts)."""
    cache: dict[int, Outline] = current_app.extensions.setdefault(_CACHE_KEY, {})
    outline = cache.get(version_id)
    if outline is None:
        outline = _load_outline(version_id)
        if len(cache) >= MAX_CACHED_OUTLINES:
            cache.clear()
        cache[version_id] = outline
    return outline


def forget_outlines(app) -> None:
    """Empty the cache (tests, whose rolled-back rows give their ids to other versions)."""
    app.extensions.pop(_CACHE_KEY, None)


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
        )
        .join(Module, Module.id == Step.module_id)
        .where(Step.version_id == version_id)
        .order_by(Module.position, Step.position)
    )
    modules: list[OutlineModule] = []
    steps: list[OutlineStep] = []
    for row in rows:
        if not modules or modules[-1].id != row.module_id:
            modules.append(OutlineModule(row.module_id, row.module_key, row.module_title))
        steps.append(
            OutlineStep(row.id, row.key, row.title, row.kind, row.estimated_minutes, modules[-1])
        )
    return Outline(modules=tuple(modules), steps=tuple(steps))
