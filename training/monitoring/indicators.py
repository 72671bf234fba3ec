"""The plan's indicators for one cut, read from the summary tables and protected.

`build_report` reads a handful of grouped rows from the summary (never enrolments), adds them
up by row of the table, computes the rates, medians and the funnel, then hides what
suppression.py says must be hidden. Every figure shown, exported or served by the API comes
from here. Definitions: docs/indicateurs.md.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from training.extensions import db
from training.monitoring import facts, periods, suppression
from training.monitoring.filters import Choices, Filters
from training.monitoring.models import (
    ActivityCount,
    CertificateCount,
    CohortCount,
    RegistrationCount,
    StageCount,
)
from training.monitoring.targets import targets_by_cell
from training.numbers import french_number

TOTAL, PILOTS, NON_PILOTS = ("total",), ("pilots",), ("non-pilots",)
FLOWS = ("enrolled", "started", "completed")
#: Days counted as « recent » for active learners, the extraction day included.
ACTIVE_DAYS = 30


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    #: « count », « rate », « score » or « days ».
    kind: str
    help: str


COLUMNS = (
    Column("registered", "Professionnels inscrits", "count",
           "Comptes d'apprenants confirmés à la fin de la période (profil actuel)."),
    Column("enrolled", "Inscriptions", "count", "Inscriptions à une formation pendant la période."),
    Column("started", "Commencées", "count",
           "Parmi ces inscriptions, celles dont au moins une étape est terminée."),
    Column("completed", "Terminées", "count",
           "Parmi ces inscriptions, celles dont toutes les étapes sont terminées."),
    Column("completion_rate", "Taux d'achèvement", "rate", "Terminées ÷ inscriptions."),
    Column("certified", "Attestations valides", "count",
           "Attestations ni expirées ni révoquées le dernier jour de la période."),
    Column("certification_rate", "Taux de certification", "rate",
           "Attestations valides ÷ inscriptions faites jusqu'à la fin de la période."),
    Column("mean_score", "Score moyen", "score",
           "Moyenne de la meilleure note obtenue à chaque quiz tenté."),
    Column("median_days", "Délai médian", "days",
           "Jours entre l'inscription et l'achèvement, médiane des formations terminées."),
    Column("active", "Actifs (30 jours)", "count",
           "Inscriptions avec une étape terminée ou un quiz soumis dans les 30 derniers jours."),
    Column("target", "Population cible", "count", "Professionnels du territoire et du métier."),
    Column("coverage", "Couverture", "rate", "Attestations valides ÷ population cible."),
)  # fmt: skip
COLUMN_CODES = tuple(column.code for column in COLUMNS)


@dataclass(frozen=True)
class Shown:
    """One figure as every output shows it: its value, or None when hidden or meaningless."""

    value: float | None
    text: str
    #: « small » (1 to threshold - 1), « secondary » (hidden so that another cannot be worked
    #: out), or None when shown.
    suppressed: str | None = None


NOT_APPLICABLE = Shown(None, "—")


@dataclass(frozen=True)
class Row:
    key: tuple
    label: str
    #: « group », « subtotal » or « total ».
    kind: str
    cells: dict[str, Shown]


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    count: Shown
    share: Shown
    #: Median days from enrolment to this stage.
    median_days: Shown


@dataclass(frozen=True)
class MonthPoint:
    month: date
    label: str
    enrolled: Shown
    completed: Shown


@dataclass(frozen=True)
class Report:
    filters: Filters
    rows: list[Row]
    funnel: list[Stage]
    months: list[MonthPoint]
    threshold: int
    generated_at: datetime
    today: date
    #: Sources of the target populations used, for the footnote.
    target_sources: list[str] = field(default_factory=list)

    @property
    def total(self) -> Row:
        return next(row for row in self.rows if row.kind == "total")

    @property
    def group_rows(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "group"]

    @property
    def columns(self) -> tuple[Column, ...]:
        return COLUMNS

    def suppression_rule(self) -> str:
        return suppression_rule(self.threshold)


def suppression_rule(threshold: int) -> str:
    return (
        f"Secret statistique : un effectif de 1 à {threshold - 1} est affiché « < {threshold} » "
        f"et les taux calculés sur lui sont masqués ; « s » masque un effectif qui permettrait "
        "de retrouver un effectif masqué par différence avec un total, un sous-total ou une "
        "autre période."
    )


# --- formatting -----------------------------------------------------------------------------


def _count(value: int, hidden: bool, threshold: int) -> Shown:
    if not hidden:
        return Shown(value, french_number(value))
    if suppression.is_small(value, threshold):
        return Shown(None, f"< {threshold}", "small")
    return Shown(None, "s", "secondary")


def _rate(numerator: Shown, denominator: Shown) -> Shown:
    if numerator.value is None or denominator.value is None:
        hidden = numerator.suppressed or denominator.suppressed
        return Shown(None, "—", "secondary" if hidden else None)
    if not denominator.value:
        return NOT_APPLICABLE
    percent = 100 * numerator.value / denominator.value
    return Shown(round(percent, 1), f"{french_number(percent, 1)}\u202f%")


def _median(histogram: Counter, hidden: bool) -> Shown:
    """The bucket holding the median of days (facts.DAY_BUCKETS)."""
    total = sum(histogram.values())
    if hidden or not total:
        return Shown(None, "—", "secondary" if hidden else None)
    seen = 0
    for lower in sorted(histogram):
        seen += histogram[lower]
        if 2 * seen >= total:
            low, high = facts.bucket_range(lower)
            if low == high:
                return Shown(low, f"{low}\u00a0j")
            if high is None:
                return Shown(low, f"plus de {low - 1}\u00a0j")
            return Shown(low, f"{low} à {high}\u00a0j")
    raise AssertionError("unreachable")


# --- reading the summary --------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """Which rows of the table each summary row adds to."""

    filters: Filters
    group_ids: list[int]
    group_labels: dict[int, str]
    pilot_ids: frozenset[int]
    #: True when the pilot territories get a row of their own (no territory filter).
    with_subtotal: bool

    @classmethod
    def of(cls, filters: Filters, choices: Choices) -> "Scope":
        if filters.group_by == "territoire":
            items = [(t.id, t.name) for t in (filters.territories or choices.territories)]
        elif filters.group_by == "profession":
            professions = [filters.profession] if filters.profession else choices.professions
            items = [(p.id, p.name) for p in professions]
        else:
            courses = [filters.course] if filters.course else choices.courses
            items = [(v.course_id, v.title) for v in courses]
        return cls(
            filters=filters,
            group_ids=[item_id for item_id, _ in items],
            group_labels=dict(items),
            pilot_ids=frozenset(t.id for t in choices.territories if t.is_pilot),
            with_subtotal=filters.territories is None,
        )

    def group_column(self, model):
        return {
            "territoire": model.territory_id,
            "profession": model.profession_id,
            "formation": getattr(model, "course_id", None),
        }[self.filters.group_by]

    def where(self, model) -> list:
        conditions = []
        if self.filters.territories is not None:
            ids = [t.id for t in self.filters.territories]
            conditions.append(model.territory_id.in_(ids))
        if self.filters.profession is not None:
            conditions.append(model.profession_id == self.filters.profession.id)
        if self.filters.course is not None:
            conditions.append(model.course_id == self.filters.course.course_id)
        return conditions

    def rows_of(self, territory_id: int, group_id: int) -> list[tuple]:
        keys = [("group", group_id)] if group_id in self.group_labels else []
        if self.with_subtotal and territory_id in self.pilot_ids:
            keys.append(PILOTS)
        keys.append(TOTAL)
        return keys

    def row_keys(self) -> list[tuple]:
        keys = [("group", group_id) for group_id in self.group_ids]
        return [*keys, PILOTS, TOTAL] if self.with_subtotal else [*keys, TOTAL]

    def lines(self, indicator: str) -> list[suppression.Line]:
        def cell(key: tuple) -> tuple:
            return (key, indicator)

        groups = [("group", group_id) for group_id in self.group_ids]
        if not self.with_subtotal:
            return [suppression.Line(tuple(map(cell, groups)), cell(TOTAL))]
        if self.filters.group_by == "territoire":
            pilots = [key for key in groups if key[1] in self.pilot_ids]
            others = [key for key in groups if key[1] not in self.pilot_ids]
            return [
                suppression.Line(tuple(map(cell, pilots)), cell(PILOTS)),
                suppression.Line((*map(cell, others), cell(PILOTS)), cell(TOTAL)),
            ]
        return [
            suppression.Line(tuple(map(cell, groups)), cell(TOTAL)),
            suppression.Line((cell(PILOTS), cell(NON_PILOTS)), cell(TOTAL)),
        ]

    def virtual_keys(self) -> list[tuple]:
        if self.with_subtotal and self.filters.group_by != "territoire":
            return [NON_PILOTS]
        return []

    def virtual_cells(self, indicator: str) -> list[tuple]:
        return [(key, indicator) for key in self.virtual_keys()]


#: time -> row of the table -> counter -> amount (every counter present).
Monthly = dict[date, dict[tuple, dict[str, int]]]


def _monthly(scope: Scope, model, time_column, counters: Iterable[str], conditions) -> Monthly:
    """Summary rows added up by (time, row of the table), one grouped query."""
    group = scope.group_column(model)
    columns = [time_column, model.territory_id]
    if group is not model.territory_id:
        columns.append(group)
    counters = tuple(counters)
    statement = (
        sa.select(*columns, *(sa.func.sum(getattr(model, name)) for name in counters))
        .where(*scope.where(model), *conditions)
        .group_by(*columns)
    )
    monthly: Monthly = {}
    for row in db.session.execute(statement):
        moment, territory_id = row[0], row[1]
        group_id = row[2] if len(columns) == 3 else territory_id
        sums = row[len(columns) :]
        by_key = monthly.setdefault(moment, {})
        for key in scope.rows_of(territory_id, group_id):
            target = by_key.get(key)
            if target is None:
                target = by_key[key] = dict.fromkeys(counters, 0)
            for name, amount in zip(counters, sums, strict=True):
                if amount:
                    target[name] += amount
    return monthly


def _add_non_pilots(values: dict, indicators: Iterable[str]) -> None:
    for indicator in indicators:
        total = values.get((TOTAL, indicator), 0)
        values[(NON_PILOTS, indicator)] = total - values.get((PILOTS, indicator), 0)


def _cells(monthly: Monthly, months: Iterable[date], indicators: Iterable[str]) -> dict:
    values: dict = Counter()
    indicators = tuple(indicators)
    for month in months:
        for key, counts in monthly.get(month, {}).items():
            for indicator in indicators:
                values[(key, indicator)] += counts[indicator]
    _add_non_pilots(values, indicators)
    return values


def _protect(scope: Scope, indicators, period_values, monthly_values, threshold) -> set:
    lines = [line for indicator in indicators for line in scope.lines(indicator)]
    virtual = [cell for indicator in indicators for cell in scope.virtual_cells(indicator)]
    return suppression.protect_over_months(period_values, monthly_values, lines, threshold, virtual)


def _targets(scope: Scope, choices: Choices) -> tuple[dict[tuple, int | None], list[str]]:
    """Target population of each row: the sum of its (territory, profession) targets, or None
    unless every pair of the row has one."""
    filters = scope.filters
    targets = targets_by_cell()
    every_territory = [t.id for t in (filters.territories or choices.territories)]
    professions = [filters.profession] if filters.profession else choices.professions
    every_profession = [p.id for p in professions]

    def total(territory_ids, profession_ids) -> int | None:
        if not territory_ids or not profession_ids:
            return None
        pairs = [(t, p) for t in territory_ids for p in profession_ids]
        if any(pair not in targets for pair in pairs):
            return None
        return sum(targets[pair].population for pair in pairs)

    result: dict[tuple, int | None] = {}
    for group_id in scope.group_ids:
        if filters.group_by == "territoire":
            result[("group", group_id)] = total([group_id], every_profession)
        elif filters.group_by == "profession":
            result[("group", group_id)] = total(every_territory, [group_id])
        else:
            result[("group", group_id)] = total(every_territory, every_profession)
    result[TOTAL] = total(every_territory, every_profession)
    result[PILOTS] = total(sorted(scope.pilot_ids), every_profession)
    sources = sorted({f"{t.source} ({t.year})" for t in targets.values()})
    return result, sources


def build_report(filters: Filters, choices: Choices, today: date, threshold: int) -> Report:
    scope = Scope.of(filters, choices)
    period = filters.period
    months = period.months
    end = period.last_month
    history = periods.months_between(min(choices.first_month, end), end)

    cohort = _monthly(
        scope, CohortCount, CohortCount.month, (*FLOWS, "scored", "score_sum"),
        [CohortCount.month <= end],
    )  # fmt: skip
    certificates = _monthly(
        scope, CertificateCount, CertificateCount.month, ("gained", "lost"),
        [CertificateCount.month <= end],
    )  # fmt: skip
    registrations: Monthly = {}
    registrations_apply = filters.course is None and filters.group_by != "formation"
    if registrations_apply:
        registrations = _monthly(
            scope, RegistrationCount, RegistrationCount.month, ("registered",),
            [RegistrationCount.month <= end],
        )  # fmt: skip
    active_since = today - timedelta(days=ACTIVE_DAYS - 1)
    activity = _monthly(
        scope, ActivityCount, ActivityCount.day, ("enrolments",),
        [ActivityCount.day >= active_since, ActivityCount.day <= today],
    )  # fmt: skip

    # Flows of the period (cohort of the months), and the same table month by month.
    flow_values = _cells(cohort, months, FLOWS)
    chart_months = months if len(months) > 1 else periods.months_between(
        periods.add_months(end, -11), end
    )  # fmt: skip
    month_tables = {m: _cells(cohort, [m], FLOWS) for m in set(months) | set(chart_months)}
    hidden = _protect(scope, FLOWS, flow_values, [month_tables[m] for m in months], threshold)
    # Stocks on the last day of the period.
    net = {
        month: {key: Counter(net=c["gained"] - c["lost"]) for key, c in rows.items()}
        for month, rows in certificates.items()
    }
    certified, stock_hidden = _stock(scope, net, history, "certified", "net", threshold)
    hidden |= stock_hidden
    registered, stock_hidden = _stock(
        scope, registrations, history, "registered", "registered", threshold
    )
    hidden |= stock_hidden
    # The certification rate's denominator is never shown, but a shown rate and numerator
    # would give it away: it is protected as a stock of its own.
    enrolled_to_date, stock_hidden = _stock(
        scope, cohort, history, "enrolled_to_date", "enrolled", threshold
    )
    hidden |= stock_hidden
    active = Counter()
    for counts_by_key in activity.values():
        for key, counts in counts_by_key.items():
            active[(key, "active")] += counts["enrolments"]
    _add_non_pilots(active, ["active"])
    hidden |= _protect(scope, ["active"], active, [], threshold)
    score_values = _cells(cohort, months, ["scored", "score_sum"])

    stage_data = _stage_data(scope, months)
    targets, sources = _targets(scope, choices)

    def count(values, key, indicator) -> Shown:
        return _count(values.get((key, indicator), 0), (key, indicator) in hidden, threshold)

    rows = []
    for key in scope.row_keys():
        cells: dict[str, Shown] = {}
        cells["registered"] = (
            count(registered, key, "registered") if registrations_apply else NOT_APPLICABLE
        )
        for indicator in FLOWS:
            cells[indicator] = count(flow_values, key, indicator)
        cells["completion_rate"] = _rate(cells["completed"], cells["enrolled"])
        cells["certified"] = count(certified, key, "certified")
        cells["certification_rate"] = _rate(
            cells["certified"], count(enrolled_to_date, key, "enrolled_to_date")
        )
        scored = score_values.get((key, "scored"), 0)
        if cells["started"].value is None or scored < threshold:
            cells["mean_score"] = Shown(None, "—", "secondary" if scored else None)
        else:
            mean = score_values[(key, "score_sum")] / scored
            cells["mean_score"] = Shown(round(mean, 1), f"{french_number(mean, 1)}\u202f/\u202f100")
        completed_hidden = cells["completed"].value is None or (
            cells["completed"].value < threshold
        )
        cells["median_days"] = _median(
            stage_data.completion_by_row.get(key, Counter()), completed_hidden
        )
        cells["active"] = count(active, key, "active")
        target = targets.get(key)
        cells["target"] = Shown(target, french_number(target)) if target else NOT_APPLICABLE
        # Coverage counts the certificates of one course: over several, a professional
        # holding two certificates would count twice.
        one_course = filters.course is not None or (
            filters.group_by == "formation" and key[0] == "group"
        )
        cells["coverage"] = (
            _rate(cells["certified"], cells["target"]) if target and one_course else NOT_APPLICABLE
        )
        rows.append(Row(key, _row_label(scope, key), _row_kind(key), cells))

    funnel = _funnel(scope, months, stage_data, flow_values, hidden, threshold)
    chart = [
        MonthPoint(
            month=m,
            label=periods.month_label(m),
            enrolled=_month_total(month_tables[m], scope, "enrolled", threshold),
            completed=_month_total(month_tables[m], scope, "completed", threshold),
        )
        for m in chart_months
    ]
    return Report(
        filters=filters,
        rows=rows,
        funnel=funnel,
        months=chart,
        threshold=threshold,
        generated_at=datetime.now().astimezone(),
        today=today,
        target_sources=sources,
    )


def _stock(
    scope: Scope,
    monthly: Monthly,
    history: list[date],
    indicator: str,
    counter: str,
    threshold: int,
) -> tuple[dict, set]:
    """A stock's cells on the last day of `history`, and those hidden: by the stock rule of
    suppression.shown_stock_months over the month ends, then by secondary suppression."""
    series: dict[tuple, list[int]] = defaultdict(list)
    running: Counter = Counter()
    for month in history:
        for key, counts in monthly.get(month, {}).items():
            running[(key, indicator)] += counts[counter]
        month_end = Counter(running)
        _add_non_pilots(month_end, [indicator])
        for key in scope.row_keys() + scope.virtual_keys():
            series[(key, indicator)].append(month_end.get((key, indicator), 0))
    values = {cell: values[-1] for cell, values in series.items() if values}
    hidden = {
        cell
        for cell, values in series.items()
        if values and not suppression.shown_stock_months(values, threshold)[-1]
    }
    lines = scope.lines(indicator)
    return values, suppression.secondary(values, hidden, lines, scope.virtual_cells(indicator))


def _month_total(table: dict, scope: Scope, indicator: str, threshold: int) -> Shown:
    """A month's total exactly as the table of that month alone shows it."""
    hidden = _protect(scope, [indicator], table, [], threshold)
    value = table.get((TOTAL, indicator), 0)
    return _count(value, (TOTAL, indicator) in hidden, threshold)


def _row_label(scope: Scope, key: tuple) -> str:
    if key == TOTAL:
        filters = scope.filters
        if filters.pilots_only:
            return "Total des territoires pilotes"
        if filters.territories:
            return f"Total {filters.territories[0].name}"
        return "Total national"
    if key == PILOTS:
        if scope.filters.group_by == "territoire":
            return "Sous-total des territoires pilotes"
        return "dont territoires pilotes"
    return scope.group_labels[key[1]]


def _row_kind(key: tuple) -> str:
    return {TOTAL: "total", PILOTS: "subtotal"}.get(key, "group")


@dataclass(frozen=True)
class StageData:
    """The period's stage counts, read in one query: by stage and month (for the month rule),
    by stage (histogram of days, for the funnel's medians) and by row of the table (histogram
    of days to completion, for the table's median)."""

    monthly: dict[str, Counter]
    histograms: dict[str, Counter]
    completion_by_row: dict[tuple, Counter]


def funnel_stages(course) -> list[tuple[str, str]]:
    """(code, label) of the funnel's stages after enrolment; modules only for one course."""
    stages = [(facts.STARTED, "Formation commencée")]
    if course is not None:
        for module in sorted(course.modules, key=lambda m: m.position):
            stages.append((facts.module_stage(module.position), f"Module terminé : {module.title}"))
    return [
        *stages,
        (facts.FINAL_QUIZ, "Quiz final réussi"),
        (facts.COMPLETED, "Formation terminée"),
    ]


def _stage_data(scope: Scope, months: list[date]) -> StageData:
    model = StageCount
    buckets = [getattr(model, facts.bucket_column(lower)) for lower in facts.DAY_BUCKETS]
    stages = [code for code, _ in funnel_stages(scope.filters.course)]
    group = scope.group_column(model)
    columns = [model.stage, model.month, model.territory_id, group]
    statement = (
        sa.select(*columns, *(sa.func.sum(bucket) for bucket in buckets))
        .where(
            model.stage.in_(stages),
            model.month >= months[0],
            model.month <= months[-1],
            *scope.where(model),
        )
        .group_by(*columns)
    )
    monthly: dict[str, Counter] = defaultdict(Counter)
    histograms: dict[str, Counter] = defaultdict(Counter)
    completion_by_row: dict[tuple, Counter] = defaultdict(Counter)
    for stage, month, territory_id, group_id, *sums in db.session.execute(statement):
        histogram = Counter(
            {lower: amount or 0 for lower, amount in zip(facts.DAY_BUCKETS, sums, strict=True)}
        )
        monthly[stage][month] += sum(histogram.values())
        if stage == facts.COMPLETED:
            for key in scope.rows_of(territory_id, group_id):
                completion_by_row[key].update(histogram)
        histograms[stage].update(histogram)
    return StageData(monthly, histograms, completion_by_row)


def _funnel(
    scope: Scope, months: list[date], stage_data: StageData, flow_values: dict, hidden: set,
    threshold: int,
) -> list[Stage]:  # fmt: skip
    """Enrolled → started → each module (one course chosen) → final quiz → completed.

    Each stage's count is hidden when small, or small in one of the period's months."""
    enrolled = _count(
        flow_values.get((TOTAL, "enrolled"), 0), (TOTAL, "enrolled") in hidden, threshold
    )
    result = [
        Stage("enrolled", "Inscription", enrolled, _rate(enrolled, enrolled), Shown(0, "0\u00a0j"))
    ]
    for code, label in funnel_stages(scope.filters.course):
        per_month = stage_data.monthly.get(code, Counter())
        value = sum(per_month.values())
        hidden_stage = suppression.is_small(value, threshold) or any(
            suppression.is_small(per_month[m], threshold) for m in months
        )
        shown = _count(value, hidden_stage, threshold)
        median = _median(stage_data.histograms.get(code, Counter()), hidden_stage)
        result.append(Stage(code, label, shown, _rate(shown, enrolled), median))
    return result
