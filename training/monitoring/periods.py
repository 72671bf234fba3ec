"""Periods of the indicators: whole calendar months, as a month, a quarter, a year or a range.

The summary counts by month, so every period is a run of whole months. Days are not offered:
two ranges a day apart would tell how many people enrolled on that one day.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from training.timeutils import MONTHS

#: The longest range one request may ask for.
MAX_MONTHS = 120
QUARTER_NAMES = ("1er", "2e", "3e", "4e")


class PeriodError(ValueError):
    """The period asked for does not exist or is not allowed; the message is French."""


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months_between(first: date, last: date) -> list[date]:
    """First days of the months from `first` to `last`, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month
    return [add_months(first, offset) for offset in range(count + 1)]


def month_label(month: date) -> str:
    return f"{MONTHS[month.month - 1]} {month.year}"


@dataclass(frozen=True)
class Period:
    first_month: date
    last_month: date
    #: As typed in the form and the URL (« 2026-T3 », « 2026 », « 2026-11 », « plage »).
    value: str
    label: str

    @property
    def months(self) -> list[date]:
        return months_between(self.first_month, self.last_month)

    @property
    def end(self) -> date:
        """The last day of the period: stocks (valid certificates) are counted that day."""
        return add_months(self.last_month, 1) - timedelta(days=1)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 1), str(number), f"année {number}")


def quarter(number: int, index: int) -> Period:
    first = date(number, 3 * index - 2, 1)
    label = f"{QUARTER_NAMES[index - 1]} trimestre {number}"
    return Period(first, add_months(first, 2), f"{number}-T{index}", label)


def month(first: date) -> Period:
    return Period(first, first, f"{first:%Y-%m}", month_label(first))


def month_range(first: date, last: date) -> Period:
    if first == last:
        return month(first)
    if first.year == last.year:
        label = f"de {MONTHS[first.month - 1]} à {month_label(last)}"
    else:
        label = f"de {month_label(first)} à {month_label(last)}"
    return Period(first, last, "plage", label)


def last_full_quarter(today: date) -> Period:
    index = (today.month - 1) // 3  # the current quarter's index, 0-based
    return quarter(today.year, index) if index else quarter(today.year - 1, 4)


def _parse_month(text: str, field: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(f"{field} : indiquez un mois sous la forme AAAA-MM, par exemple 2026-09.")
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_period(value: str, start: str, end: str, today: date, first: date) -> Period:
    """The period named by the filters' fields; PeriodError if it is malformed, reversed, too
    long, before `first` (the platform's first month) or after the current month."""
    value = (value or "").strip()
    if not value:
        return last_full_quarter(today)
    if value == "plage":
        first_month = _parse_month(start, "Début de la plage")
        last_month = _parse_month(end, "Fin de la plage")
        if last_month < first_month:
            raise PeriodError("La fin de la plage précède son début.")
        if len(months_between(first_month, last_month)) > MAX_MONTHS:
            raise PeriodError(f"Une plage ne peut pas dépasser {MAX_MONTHS} mois.")
        period = month_range(first_month, last_month)
    elif match := re.fullmatch(r"(\d{4})", value):
        period = year(int(match.group(1)))
    elif match := re.fullmatch(r"(\d{4})-T([1-4])", value):
        period = quarter(int(match.group(1)), int(match.group(2)))
    elif re.fullmatch(r"\d{4}-\d{2}", value):
        period = month(_parse_month(value, "Période"))
    else:
        raise PeriodError("Cette période n'existe pas : choisissez-la dans la liste.")
    current = today.replace(day=1)
    if period.first_month > current:
        raise PeriodError("Cette période n'a pas encore commencé.")
    if period.last_month < first.replace(day=1):
        raise PeriodError("La plateforme n'avait encore aucune donnée pendant cette période.")
    return period


def period_choices(today: date, first: date) -> list[tuple[str, list[tuple[str, str]]]]:
    """Years, quarters and months from the platform's first month to now, newest first,
    grouped for the form's list (optgroups)."""
    first = min(first.replace(day=1), today.replace(day=1))
    current = today.replace(day=1)
    months = months_between(first, current)[::-1]
    years = sorted({m.year for m in months}, reverse=True)
    quarters = sorted({(m.year, (m.month - 1) // 3 + 1) for m in months}, reverse=True)
    return [
        ("Trimestres", [(p.value, p.label) for p in (quarter(y, q) for y, q in quarters)]),
        ("Années", [(p.value, p.label) for p in map(year, years)]),
        ("Mois", [(p.value, p.label) for p in map(month, months)]),
        ("Plage", [("plage", "Plage de mois (indiquez le début et la fin)")]),
    ]
