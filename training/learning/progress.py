"""Progress through a course, without the database: done, percentage, where to resume, complete.

A step is done when the learner marked a lesson finished or passed a quiz; the course is
complete when every step of the enrolled version is done. This is the one place that decides
completion: the certificate is issued when it says so.
"""

from collections.abc import Sequence, Set
from dataclasses import dataclass


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    #: The first step not done, in course order; None when everything is done.
    next_step_id: int | None

    @property
    def percent(self) -> int:
        return (100 * self.done) // self.total if self.total else 0

    @property
    def is_complete(self) -> bool:
        return self.total > 0 and self.done == self.total


def progress_of(step_ids_in_order: Sequence[int], done_step_ids: Set[int]) -> Progress:
    """`done_step_ids` may hold ids of other versions' steps: only this version's count."""
    done = [step_id for step_id in step_ids_in_order if step_id in done_step_ids]
    next_step = next((s for s in step_ids_in_order if s not in done_step_ids), None)
    return Progress(done=len(done), total=len(step_ids_in_order), next_step_id=next_step)
