"""The cut of the indicators asked for: period, territory, profession, course and grouping.

Read from the query string by the dashboard, the exports and the API alike, so that one URL
names one table wherever it is shown.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from training.accounts import services as accounts
from training.accounts.models import Profession, Territory
from training.catalog.services import latest_versions
from training.content.models import CourseVersion
from training.extensions import db
from training.monitoring import periods
from training.monitoring.models import CohortCount, RegistrationCount

GROUP_LABELS = {"territoire": "Territoire", "profession": "Profession", "formation": "Formation"}
PILOTS = "pilotes"


class FilterError(ValueError):
    """A filter names nothing that exists; the message is French."""


@dataclass(frozen=True)
class Choices:
    """What the filters may name: reference data and published courses."""

    territories: list[Territory]
    professions: list[Profession]
    courses: list[CourseVersion]
    first_month: date

    @classmethod
    def load(cls, today: date) -> "Choices":
        firsts = [
            row
            for row in db.session.scalars(
                sa.union_all(
                    sa.select(sa.func.min(CohortCount.month)),
                    sa.select(sa.func.min(RegistrationCount.month)),
                )
            )
            if row is not None
        ]
        first = min(firsts) if firsts else today.replace(day=1)
        return cls(
            territories=accounts.list_territories(),
            professions=accounts.list_professions(),
            courses=latest_versions(),
            first_month=first,
        )


@dataclass(frozen=True)
class Filters:
    period: periods.Period
    #: None: every territory; a list: the territories asked for (one, or the pilot ones).
    territories: list[Territory] | None
    pilots_only: bool
    profession: Profession | None
    course: CourseVersion | None
    group_by: str

    def query(self) -> dict[str, str]:
        """The query string that names these filters (for links, exports and the API)."""
        args = {"periode": self.period.value, "par": self.group_by}
        if self.period.value == "plage":
            args["du"] = f"{self.period.first_month:%Y-%m}"
            args["au"] = f"{self.period.last_month:%Y-%m}"
        if self.pilots_only:
            args["territoire"] = PILOTS
        elif self.territories:
            args["territoire"] = self.territories[0].code
        if self.profession:
            args["profession"] = self.profession.code
        if self.course:
            args["formation"] = self.course.course.slug
        return args

    def describe(self) -> list[tuple[str, str]]:
        """The filters in words, for the headers of exports and the page."""
        if self.pilots_only:
            territory = "territoires pilotes"
        elif self.territories:
            territory = self.territories[0].name
        else:
            territory = "tous (national)"
        return [
            ("Période", self.period.label),
            ("Territoire", territory),
            ("Profession", self.profession.name if self.profession else "toutes"),
            ("Formation", self.course.title if self.course else "toutes"),
            ("Regroupement", f"par {GROUP_LABELS[self.group_by].lower()}"),
        ]


def parse_filters(args: Mapping[str, str], choices: Choices, today: date) -> Filters:
    """The filters of a query string; FilterError or PeriodError with a French message."""
    try:
        period = periods.parse_period(
            args.get("periode", ""), args.get("du", ""), args.get("au", ""), today,
            choices.first_month,
        )  # fmt: skip
    except periods.PeriodError as error:
        raise FilterError(str(error)) from None
    territory_code = (args.get("territoire") or "").strip()
    territories = None
    if territory_code == PILOTS:
        territories = [t for t in choices.territories if t.is_pilot]
    elif territory_code:
        territories = [t for t in choices.territories if t.code == territory_code]
        if not territories:
            raise FilterError(f"Territoire inconnu : « {territory_code} ».")
    profession = None
    if code := (args.get("profession") or "").strip():
        profession = next((p for p in choices.professions if p.code == code), None)
        if profession is None:
            raise FilterError(f"Profession inconnue : « {code} ».")
    course = None
    if slug := (args.get("formation") or "").strip():
        course = next((v for v in choices.courses if v.course.slug == slug), None)
        if course is None:
            raise FilterError(f"Formation inconnue : « {slug} ».")
    group_by = (args.get("par") or "territoire").strip()
    if group_by not in GROUP_LABELS:
        raise FilterError("Regroupement inconnu : choisissez territoire, profession ou formation.")
    return Filters(
        period=period,
        territories=territories,
        pilots_only=territory_code == PILOTS,
        profession=profession,
        course=course,
        group_by=group_by,
    )
