"""The monitoring summary, the target populations and the monitors' API tokens.

The summary tables hold counts, never people: one row per month (or day), territory,
profession and course. They are kept up to date in the transaction of each change
(summary.py) and can be recomputed from the raw data at any time (`flask monitoring rebuild`).
Territory, profession and course are those recorded at enrolment, so figures never move
when a learner changes profile.
"""

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from training.accounts.models import Profession, Territory, User
from training.extensions import db
from training.timeutils import utcnow


class _Cell:
    """The cut every summary row is counted in: recorded at enrolment, never moved."""

    territory_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"))
    profession_id: Mapped[int] = mapped_column(sa.ForeignKey("professions.id"))
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"))


def _primary_key(*first: str) -> sa.PrimaryKeyConstraint:
    """Time first, so that a period is one range scan of the primary key."""
    return sa.PrimaryKeyConstraint(*first, "territory_id", "profession_id", "course_id")


def _counter() -> Any:
    return mapped_column(default=0, server_default="0")


class CohortCount(_Cell, db.Model):
    """Enrolments of a month (their cohort) and what has become of them so far."""

    __tablename__ = "monitoring_cohorts"
    __table_args__ = (
        sa.CheckConstraint(
            "enrolled >= 0 AND started >= 0 AND completed >= 0 AND scored >= 0 AND score_sum >= 0",
            name="counts_not_negative",
        ),
        _primary_key("month"),
    )

    #: First day of the month of enrolment (Paris time).
    month: Mapped[date] = mapped_column(sa.Date)
    enrolled: Mapped[int] = _counter()
    #: Enrolments with at least one step done.
    started: Mapped[int] = _counter()
    completed: Mapped[int] = _counter()
    #: Number of (enrolment, quiz) pairs with a submitted attempt, and the sum of their best
    #: scores: the mean best score is score_sum / scored.
    scored: Mapped[int] = _counter()
    score_sum: Mapped[int] = _counter()

    def __repr__(self) -> str:
        return f"<CohortCount {self.month} t={self.territory_id} p={self.profession_id}>"


class StageCount(_Cell, db.Model):
    """How many enrolments of a cohort reached a stage of the funnel, and how many of them in
    each bucket of days since enrolment (facts.DAY_BUCKETS), for the medians.

    Stage first in the key: the dashboard reads a few stages over a run of months."""

    __tablename__ = "monitoring_stages"
    __table_args__ = (
        sa.CheckConstraint("reached >= 0", name="reached_not_negative"),
        sa.PrimaryKeyConstraint("stage", "month", "territory_id", "profession_id", "course_id"),
    )

    #: « started », « module-1 », « module-2 »…, « final-quiz », « completed ».
    stage: Mapped[str] = mapped_column(sa.String(20))
    month: Mapped[date] = mapped_column(sa.Date)
    reached: Mapped[int] = _counter()
    #: Reached within 0 days (the same day), 1 day, 2 to 3 days… of enrolment.
    days_0: Mapped[int] = _counter()
    days_1: Mapped[int] = _counter()
    days_2: Mapped[int] = _counter()
    days_4: Mapped[int] = _counter()
    days_8: Mapped[int] = _counter()
    days_15: Mapped[int] = _counter()
    days_31: Mapped[int] = _counter()
    days_61: Mapped[int] = _counter()
    days_91: Mapped[int] = _counter()
    days_181: Mapped[int] = _counter()

    def __repr__(self) -> str:
        return f"<StageCount {self.stage} {self.month} {self.reached}>"


class CertificateCount(_Cell, db.Model):
    """Certificates that became valid (issue) or stopped being valid (revocation or expiry,
    whichever comes first) in a month: the valid ones at the end of a month are the sum of
    `gained - lost` up to that month. Expiries are known at issue and counted in advance."""

    __tablename__ = "monitoring_certificates"
    __table_args__ = (
        sa.CheckConstraint("gained >= 0 AND lost >= 0", name="counts_not_negative"),
        _primary_key("month"),
    )

    month: Mapped[date] = mapped_column(sa.Date)
    gained: Mapped[int] = _counter()
    lost: Mapped[int] = _counter()

    def __repr__(self) -> str:
        return f"<CertificateCount {self.month} +{self.gained} -{self.lost}>"


class ActivityCount(_Cell, db.Model):
    """Enrolments whose latest activity (a step done, a quiz submitted) was on this day."""

    __tablename__ = "monitoring_activity"
    __table_args__ = (
        sa.CheckConstraint("enrolments >= 0", name="counts_not_negative"),
        _primary_key("day"),
    )

    day: Mapped[date] = mapped_column(sa.Date)
    enrolments: Mapped[int] = _counter()

    def __repr__(self) -> str:
        return f"<ActivityCount {self.day} {self.enrolments}>"


class RegistrationCount(db.Model):
    """Confirmed learner accounts by month of confirmation and current profile."""

    __tablename__ = "monitoring_registrations"
    __table_args__ = (sa.CheckConstraint("registered >= 0", name="counts_not_negative"),)

    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    territory_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), primary_key=True)
    profession_id: Mapped[int] = mapped_column(sa.ForeignKey("professions.id"), primary_key=True)
    registered: Mapped[int] = _counter()

    def __repr__(self) -> str:
        return f"<RegistrationCount {self.month} {self.registered}>"


class SummaryFacts(db.Model):
    """What one enrolment or account currently adds to the summary (facts.py), so that a
    change is applied as the difference between its old and new contributions."""

    __tablename__ = "monitoring_facts"

    #: « enrolment » or « account ».
    subject: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    subject_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    facts: Mapped[dict[str, Any]] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<SummaryFacts {self.subject} {self.subject_id}>"


class TargetPopulation(db.Model):
    """How many professionals of a profession a territory has: the denominator of coverage."""

    __tablename__ = "target_populations"
    __table_args__ = (
        sa.UniqueConstraint("territory_id", "profession_id"),
        sa.CheckConstraint("population > 0", name="population_is_positive"),
        sa.CheckConstraint("year BETWEEN 1990 AND 2100", name="year_is_plausible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(sa.ForeignKey("territories.id"), index=True)
    profession_id: Mapped[int] = mapped_column(sa.ForeignKey("professions.id"), index=True)
    population: Mapped[int]
    #: Where the figure comes from (e.g. « DEPP, bilan social 2025 »), shown beside coverage.
    source: Mapped[str] = mapped_column(sa.String(200))
    #: Year the figure describes.
    year: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    territory: Mapped[Territory] = relationship()
    profession: Mapped[Profession] = relationship()

    def __repr__(self) -> str:
        return f"<TargetPopulation t={self.territory_id} p={self.profession_id}>"


class ApiToken(db.Model):
    """A monitor's personal token for the indicators API. Only a hash is stored: the token
    itself is shown once, when it is created."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: SHA-256 of the token, hex: tokens are 256 random bits, so no slow hash is needed.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The token's first characters, shown in the list so that its owner can tell them apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}…>"
