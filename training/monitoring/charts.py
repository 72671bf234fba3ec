"""Geometry of the dashboard's SVG charts, drawn on the server (no JavaScript, prints well).

Hidden figures are never drawn: a bar is left out and a line is broken, and the chart's data
table, next to it, says « < 5 » as the main table does.
"""

from dataclasses import dataclass

from training.monitoring.indicators import MonthPoint, Report, Shown

WIDTH = 640
LABEL_WIDTH = 220
BAR_HEIGHT = 22
BAR_GAP = 10
PLOT_HEIGHT = 200
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 48, 40, 12


@dataclass(frozen=True)
class Bar:
    label: str
    y: int
    width: float
    shown: Shown


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH
    plot_width: int = WIDTH - LABEL_WIDTH - 70


def rate_bars(report: Report, code: str, title: str) -> BarChart:
    """One bar per row of the table (not the totals), 0–100 %."""
    chart = BarChart(title=title, bars=[], height=0)
    bars = []
    for index, row in enumerate(report.group_rows):
        shown = row.cells[code]
        value = shown.value if shown.value is not None else 0
        width = chart.plot_width * min(max(value, 0), 100) / 100
        bars.append(Bar(row.label, index * (BAR_HEIGHT + BAR_GAP), width, shown))
    return BarChart(title=title, bars=bars, height=max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP))


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str
    #: Runs of consecutive shown points; a hidden month breaks the line.
    segments: list[list[tuple[float, float]]]
    points: list[tuple[float, float, str]]


@dataclass(frozen=True)
class LineChart:
    title: str
    series: list[Series]
    #: (x, text, text-anchor): the first and last labels stay inside the chart.
    x_labels: list[tuple[float, str, str]]
    y_ticks: list[tuple[float, str]]
    width: int = WIDTH
    height: int = PLOT_HEIGHT + MARGIN_BOTTOM + MARGIN_TOP
    left: int = MARGIN_LEFT
    bottom: int = PLOT_HEIGHT + MARGIN_TOP


def _nice_top(value: float) -> int:
    """A round upper bound for the y axis: 1, 2 or 5 times a power of ten."""
    magnitude = 1
    while True:
        for factor in (1, 2, 5):
            if factor * magnitude >= value:
                return factor * magnitude
        magnitude *= 10


SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin",
                "juil.", "août", "sept.", "oct.", "nov.", "déc.")  # fmt: skip


def _anchor(index: int, points: list) -> str:
    if index == 0 and len(points) > 1:
        return "start"
    return "end" if index == len(points) - 1 else "middle"


def monthly_lines(points: list[MonthPoint], title: str) -> LineChart:
    values = [shown.value for p in points for shown in (p.enrolled, p.completed) if shown.value]
    top = _nice_top(max(values, default=1))
    plot_width = WIDTH - MARGIN_LEFT - 16
    step = plot_width / max(len(points) - 1, 1)

    def xy(index: int, value: float) -> tuple[float, float]:
        return (
            round(MARGIN_LEFT + index * step, 1),
            round(MARGIN_TOP + PLOT_HEIGHT * (1 - value / top), 1),
        )

    series = []
    for name, attribute, css_class in (
        ("Inscriptions", "enrolled", "monitoring-line--enrolled"),
        ("Terminées", "completed", "monitoring-line--completed"),
    ):
        segments: list[list[tuple[float, float]]] = [[]]
        marks = []
        for index, point in enumerate(points):
            shown: Shown = getattr(point, attribute)
            if shown.value is None:
                if segments[-1]:
                    segments.append([])
                continue
            x, y = xy(index, shown.value)
            segments[-1].append((x, y))
            marks.append((x, y, f"{point.label} : {shown.text}"))
        series.append(Series(name, css_class, [s for s in segments if s], marks))
    every = max(len(points) // 6, 1)
    x_labels = [
        (xy(index, 0)[0], f"{SHORT_MONTHS[p.month.month - 1]} {p.month:%y}", _anchor(index, points))
        for index, p in enumerate(points)
        if index % every == 0 or index == len(points) - 1
    ]
    y_ticks = [(xy(0, v)[1], f"{v:,}".replace(",", "\u202f")) for v in (0, top // 2, top)]
    return LineChart(title=title, series=series, x_labels=x_labels, y_ticks=y_ticks)
