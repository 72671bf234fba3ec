"""Pure rules of monitoring: periods, small-count suppression, medians, chart scales."""

from collections import Counter
from datetime import date

import pytest

from training.monitoring import facts, periods, suppression
from training.monitoring.charts import _nice_top
from training.monitoring.indicators import _median
from training.monitoring.suppression import Line
from training.numbers import french_number

TODAY = date(2026, 12, 1)
FIRST = date(2025, 9, 1)


@pytest.mark.parametrize(
    ("value", "start", "end", "first", "last", "label"),
    [
        ("2026", "", "", date(2026, 1, 1), date(2026, 12, 1), "année 2026"),
        ("2026-T3", "", "", date(2026, 7, 1), date(2026, 9, 1), "3e trimestre 2026"),
        ("2026-T1", "", "", date(2026, 1, 1), date(2026, 3, 1), "1er trimestre 2026"),
        ("2026-02", "", "", date(2026, 2, 1), date(2026, 2, 1), "février 2026"),
        ("plage", "2026-01", "2026-06", date(2026, 1, 1), date(2026, 6, 1),
         "de janvier à juin 2026"),
        ("plage", "2025-11", "2026-02", date(2025, 11, 1), date(2026, 2, 1),
         "de novembre 2025 à février 2026"),
        ("", "", "", date(2026, 7, 1), date(2026, 9, 1), "3e trimestre 2026"),
    ],
)  # fmt: skip
def test_periods_are_whole_months(value, start, end, first, last, label):
    period = periods.parse_period(value, start, end, TODAY, FIRST)
    assert (period.first_month, period.last_month, period.label) == (first, last, label)


def test_a_quarter_ends_on_its_last_day():
    assert periods.quarter(2026, 1).end == date(2026, 3, 31)
    assert periods.month(date(2024, 2, 1)).end == date(2024, 2, 29)


def test_the_default_period_in_january_is_the_last_quarter_of_the_year_before():
    assert periods.last_full_quarter(date(2027, 1, 15)).value == "2026-T4"


@pytest.mark.parametrize(
    ("value", "start", "end", "message"),
    [
        ("2026-T5", "", "", "Cette période n'existe pas"),
        ("hier", "", "", "Cette période n'existe pas"),
        ("2026-13", "", "", "indiquez un mois sous la forme AAAA-MM"),
        ("plage", "2026-06", "2026-01", "La fin de la plage précède son début"),
        ("plage", "2026-06", "", "Fin de la plage : indiquez un mois"),
        ("plage", "1990-01", "2026-01", "ne peut pas dépasser 120 mois"),
        ("2027", "", "", "n'a pas encore commencé"),
        ("2020", "", "", "aucune donnée"),
    ],
)
def test_bad_periods_are_refused_in_french(value, start, end, message):
    with pytest.raises(periods.PeriodError, match=message):
        periods.parse_period(value, start, end, TODAY, FIRST)


def test_period_choices_list_quarters_years_and_months_newest_first():
    groups = dict(periods.period_choices(TODAY, FIRST))
    assert groups["Trimestres"][0] == ("2026-T4", "4e trimestre 2026")
    assert groups["Trimestres"][-1] == ("2025-T3", "3e trimestre 2025")
    assert [value for value, _ in groups["Années"]] == ["2026", "2025"]
    assert groups["Mois"][0] == ("2026-12", "décembre 2026")
    assert len(groups["Mois"]) == 16


# --- suppression ----------------------------------------------------------------------------

ROWS = ("paris", "marseille", "bordeaux", "lyon")
TABLE_LINE = [Line(ROWS, "total")]


def table(**values: int) -> dict:
    cells = {row: values.get(row, 0) for row in ROWS}
    cells["total"] = sum(cells.values())
    return cells


def test_one_small_cell_takes_the_smallest_other_with_it():
    values = table(paris=40, marseille=3, bordeaux=12, lyon=25)
    hidden = suppression.protect(values, TABLE_LINE, 5)
    assert hidden == {"marseille", "bordeaux"}
    # What stays visible no longer gives the hidden cell back.
    visible = {cell: v for cell, v in values.items() if cell not in hidden}
    unknown = visible["total"] - sum(v for c, v in visible.items() if c in ROWS)
    assert unknown == 15  # Marseille + Bordeaux together, not Marseille alone


def test_without_secondary_suppression_the_small_cell_could_be_worked_out():
    values = table(paris=40, marseille=3, bordeaux=12, lyon=25)
    hidden = suppression.primary(values, 5)
    visible = {cell: v for cell, v in values.items() if cell not in hidden}
    assert visible["total"] - sum(v for c, v in visible.items() if c in ROWS) == 3


def test_zero_is_shown_and_never_chosen_to_protect_another_cell():
    values = table(paris=0, marseille=2, bordeaux=30, lyon=9)
    assert suppression.protect(values, TABLE_LINE, 5) == {"marseille", "lyon"}


def test_the_total_is_hidden_when_no_other_cell_can_be():
    values = table(marseille=2)
    assert suppression.protect(values, TABLE_LINE, 5) == {"marseille", "total"}


def test_nested_lines_propagate_through_the_subtotal():
    lines = [Line(("paris", "marseille"), "pilots"), Line(("lyon", "pilots"), "total")]
    values = {"paris": 40, "marseille": 20, "pilots": 60, "lyon": 3, "total": 63}
    hidden = suppression.protect(values, lines, 5)
    # Lyon alone in its line: the subtotal is hidden with it, then a pilot territory.
    assert hidden == {"lyon", "pilots", "marseille"}


def test_a_small_virtual_cell_is_protected_like_a_shown_one():
    lines = [Line(("pilots", "others"), "total")]
    values = {"pilots": 60, "others": 2, "total": 62}
    hidden = suppression.protect(values, lines, 5, virtual=["others"])
    assert hidden == {"others", "pilots"}


def test_a_large_virtual_cell_counts_as_shown():
    lines = [Line(("pilots", "others"), "total")]
    values = {"pilots": 60, "others": 20, "total": 80}
    assert suppression.protect(values, lines, 5, virtual=["others"]) == set()


def test_two_overlapping_periods_cannot_be_subtracted_to_reveal_a_small_month():
    """Q1 and February–March differ by January, where Marseille had 2 enrolments."""
    january = table(paris=30, marseille=2, bordeaux=11, lyon=14)
    february = table(paris=31, marseille=9, bordeaux=12, lyon=15)
    march = table(paris=33, marseille=8, bordeaux=10, lyon=16)

    def shown(months):
        values = Counter()
        for month in months:
            values.update(month)
        hidden = suppression.protect_over_months(values, months, TABLE_LINE, 5)
        return {cell: v for cell, v in values.items() if cell not in hidden}

    quarter, last_two = shown([january, february, march]), shown([february, march])
    assert last_two["marseille"] == 17
    assert "marseille" not in quarter  # else 19 - 17 = 2 would be January's small count
    # Nor through the total: every difference of shown cells is a sum of at least two hidden.
    assert "bordeaux" not in quarter


def test_without_the_month_rule_the_difference_gives_the_small_month_away():
    january = table(paris=30, marseille=2, bordeaux=11, lyon=14)
    february = table(paris=31, marseille=9, bordeaux=12, lyon=15)
    quarter = Counter(january) + Counter(february)
    hidden = suppression.protect(quarter, TABLE_LINE, 5)
    assert "marseille" not in hidden  # 11 enrolments: not small on its own
    assert quarter["marseille"] - february["marseille"] == 2


def test_a_stock_is_shown_only_when_it_moved_by_zero_or_at_least_the_threshold():
    #   month ends:   3 small | 8 shown | 10 (+2) hidden | 13 (+5) shown | 13 (0) shown
    assert suppression.shown_stock_months([3, 8, 10, 13, 13], 5) == [
        False, True, False, True, True,
    ]  # fmt: skip
    # Once shown, a month's stock stays shown whatever comes later.
    assert suppression.shown_stock_months([3, 8, 10, 13, 13, 14], 5)[:5] == [
        False, True, False, True, True,
    ]  # fmt: skip


# --- medians, buckets, numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "bucket"), [(0, 0), (1, 1), (3, 2), (4, 4), (14, 8), (15, 15), (30, 15), (400, 181)]
)
def test_day_buckets(days, bucket):
    assert facts.bucket_of(days) == bucket


def test_median_is_the_bucket_that_holds_it():
    assert _median(Counter({0: 1, 1: 3, 4: 1}), hidden=False).text == "1\u00a0j"
    assert _median(Counter({2: 3, 4: 1, 8: 1}), hidden=False).text == "2 à 3\u00a0j"
    assert _median(Counter({2: 1, 15: 3}), hidden=False).text == "15 à 30\u00a0j"
    assert _median(Counter({181: 2}), hidden=False).text == "plus de 180\u00a0j"
    assert _median(Counter({2: 9}), hidden=True).value is None


def test_french_numbers():
    assert french_number(12500) == "12\u202f500"
    assert french_number(45.25, 1) == "45,2"


@pytest.mark.parametrize(("value", "top"), [(0.5, 1), (3, 5), (7, 10), (11, 20), (1800, 2000)])
def test_chart_scale_is_round(value, top):
    assert _nice_top(value) == top
