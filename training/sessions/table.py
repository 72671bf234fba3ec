"""The session's progress table without the database: a participant's status, sorting, filter.

`services.progress_table` fills the rows; everything here works on them alone.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from training.timeutils import as_aware

NOT_STARTED, IN_PROGRESS, COMPLETED = "non-commence", "en-cours", "termine"
#: Status code (as in the URL) -> label shown, in the order of the filter.
STATUS_LABELS = {
    NOT_STARTED: "Pas encore commencé",
    IN_PROGRESS: "En cours",
    COMPLETED: "Terminé",
}
CERTIFICATE_LABELS = {
    "valid": "Valide",
    "expired": "Expirée",
    "revoked": "Révoquée",
    "none": "Aucune",
}


@dataclass(frozen=True)
class QuizColumn:
    #: The quiz's key in the course (« 02-verifier/01-quiz »), the same in every version.
    key: str
    title: str


@dataclass(frozen=True)
class DayColumn:
    id: int
    held_on: date
    place: str


@dataclass(frozen=True)
class ParticipantRow:
    member_id: int
    full_name: str
    profession: str
    done_steps: int
    total_steps: int
    #: Quiz key -> best score (0 to 100); a quiz never submitted is absent.
    best_scores: dict[str, int]
    #: True when some quiz attempt was started, even if never submitted.
    has_attempts: bool
    completed_at: datetime | None
    #: "valid", "expired", "revoked" or "none".
    certificate_status: str
    #: The certificate's public code, for the trainer's download link; None without one.
    certificate_code: str | None
    #: Day id -> present; a day not ticked yet is absent.
    attendance: dict[int, bool]
    last_activity: datetime
    #: Keys of the quizzes whose attempts are used up without success: one more may be granted.
    stuck_quizzes: frozenset[str] = frozenset()

    @property
    def percent(self) -> int:
        return (100 * self.done_steps) // self.total_steps if self.total_steps else 0

    @property
    def status(self) -> str:
        return status_of(self.completed_at, self.done_steps, self.has_attempts)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def certificate_label(self) -> str:
        return CERTIFICATE_LABELS[self.certificate_status]


@dataclass(frozen=True)
class ProgressTable:
    quizzes: list[QuizColumn]
    days: list[DayColumn]
    rows: list[ParticipantRow]


def status_of(completed_at: datetime | None, done_steps: int, has_attempts: bool) -> str:
    """Completed once the enrolment is; in progress from the first step done or quiz started."""
    if completed_at is not None:
        return COMPLETED
    if done_steps or has_attempts:
        return IN_PROGRESS
    return NOT_STARTED


def filter_rows(rows: Sequence[ParticipantRow], status: str | None) -> list[ParticipantRow]:
    """The rows of one status; every row for None or an unknown status."""
    if status not in STATUS_LABELS:
        return list(rows)
    return [row for row in rows if row.status == status]


def _moment(value: datetime | None) -> datetime | None:
    return as_aware(value) if value is not None else None


#: Sort code (as in the URL) -> (label, key). A key may return None: those rows come last.
SORT_KEYS: dict[str, tuple[str, Callable[[ParticipantRow], object]]] = {
    "nom": ("Nom", lambda row: row.full_name.casefold()),
    "progression": ("Progression", lambda row: row.done_steps / (row.total_steps or 1)),
    "terminee-le": ("Terminée le", lambda row: _moment(row.completed_at)),
    "activite": ("Dernière activité", lambda row: _moment(row.last_activity)),
}
DEFAULT_SORT = "nom"


def sort_rows(
    rows: Sequence[ParticipantRow], by: str | None, descending: bool = False
) -> list[ParticipantRow]:
    """Rows sorted by one of SORT_KEYS (by name for an unknown one), names breaking ties;
    rows without a value (not completed yet) come last in either direction."""
    _, key = SORT_KEYS.get(by or DEFAULT_SORT, SORT_KEYS[DEFAULT_SORT])
    by_name = sorted(rows, key=lambda row: (row.full_name.casefold(), row.member_id))
    present = [row for row in by_name if key(row) is not None]
    missing = [row for row in by_name if key(row) is None]
    return sorted(present, key=key, reverse=descending) + missing
