"""What one enrolment or one account adds to the summary tables, without the database.

Every change is applied to the summary as `contributions(new) - contributions(old)`, and a
rebuild is the sum of every enrolment's contributions: both paths share these functions, so
they cannot disagree about what is counted where.
"""

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from training.timeutils import PARIS, as_aware

#: Lower bounds of the buckets of « days since enrolment », a column each in the stages table:
#: a fixed, small number of columns keeps one row per stage instead of one per day.
DAY_BUCKETS = (0, 1, 2, 4, 8, 15, 31, 61, 91, 181)

STARTED = "started"
FINAL_QUIZ = "final-quiz"
COMPLETED = "completed"


def module_stage(position: int) -> str:
    return f"module-{position}"


def month_of(moment: datetime | date) -> date:
    """First day of the month, in Paris time for a datetime."""
    day = as_aware(moment).astimezone(PARIS).date() if isinstance(moment, datetime) else moment
    return day.replace(day=1)


def paris_day(moment: datetime) -> date:
    return as_aware(moment).astimezone(PARIS).date()


def days_between(start: datetime, end: datetime) -> int:
    """Whole days elapsed (0 on the same day or within 24 hours)."""
    return max(int((as_aware(end) - as_aware(start)).total_seconds() // 86400), 0)


def bucket_of(days: int) -> int:
    return max(bound for bound in DAY_BUCKETS if bound <= days)


def bucket_column(lower: int) -> str:
    """Name of the stages table's column counting this bucket (« days_15 »)."""
    return f"days_{lower}"


def bucket_range(lower: int) -> tuple[int, int | None]:
    """(first day, last day) of the bucket starting at `lower`; None for the last, open one."""
    index = DAY_BUCKETS.index(lower)
    if index + 1 == len(DAY_BUCKETS):
        return lower, None
    return lower, DAY_BUCKETS[index + 1] - 1


@dataclass(frozen=True)
class EnrolmentFacts:
    """An enrolment as the summary sees it. Dates are Paris dates."""

    cohort: date
    territory_id: int
    profession_id: int
    course_id: int
    #: Stage -> whole days from enrolment to reaching it.
    stages: dict[str, int] = field(default_factory=dict)
    #: Best submitted score of each quiz attempted.
    best_scores: tuple[int, ...] = ()
    #: Month the certificate became valid, and month it stopped being valid (revoked or
    #: expired, whichever first); None when there is none or it is valid for ever.
    certificate_gained: date | None = None
    certificate_lost: date | None = None
    #: Day of the latest step done or quiz submitted.
    last_active_on: date | None = None

    def to_json(self) -> dict:
        """Written by hand rather than with dataclasses.asdict, which deep-copies: a rebuild
        writes one of these per enrolment."""

        def day(value: date | None) -> str | None:
            return value.isoformat() if value else None

        return {
            "cohort": day(self.cohort),
            "territory_id": self.territory_id,
            "profession_id": self.profession_id,
            "course_id": self.course_id,
            "stages": dict(self.stages),
            "best_scores": list(self.best_scores),
            "certificate_gained": day(self.certificate_gained),
            "certificate_lost": day(self.certificate_lost),
            "last_active_on": day(self.last_active_on),
        }

    @classmethod
    def from_json(cls, data: dict) -> "EnrolmentFacts":
        values = dict(data)
        for name in ("cohort", "certificate_gained", "certificate_lost", "last_active_on"):
            values[name] = date.fromisoformat(values[name]) if values[name] else None
        values["best_scores"] = tuple(values["best_scores"])
        return cls(**values)


@dataclass(frozen=True)
class AccountFacts:
    """A confirmed learner account: counted once, in its month of confirmation."""

    month: date
    territory_id: int
    profession_id: int

    def to_json(self) -> dict:
        return {**asdict(self), "month": self.month.isoformat()}

    @classmethod
    def from_json(cls, data: dict) -> "AccountFacts":
        return cls(**{**data, "month": date.fromisoformat(data["month"])})


def enrolment_contributions(facts: EnrolmentFacts | None) -> Counter:
    """((table, *key), counter) -> amount: the rows and counters this enrolment adds to."""
    result: Counter = Counter()
    if facts is None:
        return result
    cell = (facts.territory_id, facts.profession_id, facts.course_id)
    cohort = ("monitoring_cohorts", facts.cohort, *cell)
    result[(cohort, "enrolled")] += 1
    result[(cohort, "started")] += STARTED in facts.stages
    result[(cohort, "completed")] += COMPLETED in facts.stages
    result[(cohort, "scored")] += len(facts.best_scores)
    result[(cohort, "score_sum")] += sum(facts.best_scores)
    for stage, days in facts.stages.items():
        key = ("monitoring_stages", stage, facts.cohort, *cell)
        result[(key, "reached")] += 1
        result[(key, bucket_column(bucket_of(days)))] += 1
    if facts.certificate_gained is not None:
        result[(("monitoring_certificates", facts.certificate_gained, *cell), "gained")] += 1
    if facts.certificate_lost is not None:
        result[(("monitoring_certificates", facts.certificate_lost, *cell), "lost")] += 1
    if facts.last_active_on is not None:
        result[(("monitoring_activity", facts.last_active_on, *cell), "enrolments")] += 1
    return result


def account_contributions(facts: AccountFacts | None) -> Counter:
    result: Counter = Counter()
    if facts is not None:
        key = ("monitoring_registrations", facts.month, facts.territory_id, facts.profession_id)
        result[(key, "registered")] += 1
    return result


def difference(new: Counter, old: Counter) -> dict:
    """new - old, keeping negative amounts and dropping zeros."""
    delta = dict(new)
    for key, amount in old.items():
        delta[key] = delta.get(key, 0) - amount
    return {key: amount for key, amount in delta.items() if amount}


@dataclass(frozen=True)
class VersionShape:
    """What the funnel needs of a course version: its modules' steps and its final quiz."""

    #: Module position (1, 2…) -> ids of its steps.
    modules: dict[int, frozenset[int]]
    #: The last quiz of the version in course order, if it has one.
    final_quiz_id: int | None


@dataclass(frozen=True)
class EnrolmentRecord:
    """The raw data of one enrolment that its facts are drawn from."""

    territory_id: int
    profession_id: int
    course_id: int
    enrolled_at: datetime
    completed_at: datetime | None
    #: Step id -> when it was done (lessons marked finished, quizzes passed).
    done: dict[int, datetime]
    best_scores: tuple[int, ...]
    last_submission_at: datetime | None
    #: The certificate's issue, expiry (last valid day) and revocation, if any.
    issued_at: datetime | None = None
    expires_on: date | None = None
    revoked_at: datetime | None = None


def enrolment_facts(record: EnrolmentRecord, shape: VersionShape) -> EnrolmentFacts:
    """The stages reached and when, the certificate's validity and the latest activity."""
    stages: dict[str, int] = {}
    if record.done:
        stages[STARTED] = days_between(record.enrolled_at, min(record.done.values()))
    for position, step_ids in shape.modules.items():
        if step_ids and step_ids <= record.done.keys():
            finished = max(record.done[step_id] for step_id in step_ids)
            stages[module_stage(position)] = days_between(record.enrolled_at, finished)
    if shape.final_quiz_id in record.done:
        passed = record.done[shape.final_quiz_id]
        stages[FINAL_QUIZ] = days_between(record.enrolled_at, passed)
    if record.completed_at is not None:
        stages[COMPLETED] = days_between(record.enrolled_at, record.completed_at)

    gained = lost = None
    if record.issued_at is not None:
        gained = month_of(record.issued_at)
        ends = []
        if record.expires_on is not None:
            ends.append(record.expires_on + timedelta(days=1))
        if record.revoked_at is not None:
            ends.append(paris_day(record.revoked_at))
        lost = month_of(min(ends)) if ends else None

    moments = [*record.done.values(), record.last_submission_at]
    moments = [moment for moment in moments if moment is not None]
    return EnrolmentFacts(
        cohort=month_of(record.enrolled_at),
        territory_id=record.territory_id,
        profession_id=record.profession_id,
        course_id=record.course_id,
        stages=stages,
        best_scores=record.best_scores,
        certificate_gained=gained,
        certificate_lost=lost,
        last_active_on=paris_day(max(moments, key=as_aware)) if moments else None,
    )
