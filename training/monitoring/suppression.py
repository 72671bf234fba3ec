"""Small-count protection of a table of counts, without the database.

Primary suppression hides every count from 1 to threshold - 1. Secondary suppression makes
sure no hidden count can be worked out from the others: in every line (cells that add up to
a total), the hidden cells number zero or at least two; when only one is hidden, the smallest
other non-zero cell is hidden too (the total itself when no other is left), until nothing
changes. A line may hold a « virtual » cell: a figure never shown but readable as a
difference (national minus pilot territories); it is treated as shown unless small.

Periods: a count for several months is also hidden when the same cell is hidden in the table
of any one of its months, so that two overlapping periods cannot be subtracted to reveal one
month's small count (`protect_over_months`). A stock (valid certificates on the last day) is
shown at a month's end only if it differs by 0 or by at least the threshold from every value
of the same cell shown at an earlier month's end (`shown_stock_months`): the difference
between two shown stocks is never a small count, and what was shown never changes later.
"""

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

Cell = Hashable


@dataclass(frozen=True)
class Line:
    """Cells that add up to `total`."""

    members: tuple[Cell, ...]
    total: Cell


def is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def primary(values: Mapping[Cell, int], threshold: int) -> set[Cell]:
    return {cell for cell, value in values.items() if is_small(value, threshold)}


def secondary(
    values: Mapping[Cell, int],
    hidden: set[Cell],
    lines: Sequence[Line],
    virtual: Iterable[Cell] = (),
) -> set[Cell]:
    """`hidden` grown until no line has exactly one hidden cell. Virtual cells are never
    shown: they count as hidden only when already in `hidden` (they were small)."""
    hidden = set(hidden)
    virtual = set(virtual)
    changed = True
    while changed:
        changed = False
        for line in lines:
            cells = (*line.members, line.total)
            if sum(cell in hidden for cell in cells) != 1:
                continue
            candidates = [
                cell
                for cell in line.members
                if cell not in hidden and cell not in virtual and values.get(cell, 0) > 0
            ]
            if candidates:
                choice = min(candidates, key=lambda cell: (values[cell], str(cell)))
            elif line.total not in hidden and line.total not in virtual:
                choice = line.total
            else:
                continue
            hidden.add(choice)
            changed = True
    return hidden


def protect(
    values: Mapping[Cell, int],
    lines: Sequence[Line],
    threshold: int,
    virtual: Iterable[Cell] = (),
) -> set[Cell]:
    """Primary then secondary suppression of one table."""
    return secondary(values, primary(values, threshold), lines, virtual)


def protect_over_months(
    period_values: Mapping[Cell, int],
    monthly_values: Iterable[Mapping[Cell, int]],
    lines: Sequence[Line],
    threshold: int,
    virtual: Iterable[Cell] = (),
) -> set[Cell]:
    """The hidden cells of a period's table: those hidden in the period's own table or in the
    table of any of its months, then secondary suppression again over the union."""
    virtual = tuple(virtual)
    hidden = primary(period_values, threshold)
    for values in monthly_values:
        hidden |= protect(values, lines, threshold, virtual)
    return secondary(period_values, hidden, lines, virtual)


def shown_stock_months(series: Sequence[int], threshold: int) -> list[bool]:
    """For a cell's stock at each month's end, oldest first: whether it may be shown."""
    shown: list[int] = []
    result = []
    for value in series:
        ok = not is_small(value, threshold) and all(
            value == earlier or abs(value - earlier) >= threshold for earlier in shown
        )
        result.append(ok)
        if ok:
            shown.append(value)
    return result
