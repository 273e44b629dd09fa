"""Public statistics: shares and plain server-side SVG charts. Small counts are suppressed
by the one rule of engage/opendata/suppression.py (tables: engage/opendata/aggregates.py)."""

from dataclasses import dataclass

from babel.numbers import format_decimal


def share(count: int | None, total: int | None) -> float | None:
    """The share of a published count in a published total, in percent (None: not published)."""
    if count is None or not total:
        return None
    return 100.0 * count / total


def percent(value: float | None, locale: str) -> str | None:
    """A share as the page shows it: one decimal, the locale's separator, "12,5 %" in French."""
    return None if value is None else format_decimal(value, format="0.0", locale=locale) + "\u00a0%"


@dataclass(frozen=True)
class Bar:
    label: str
    value: int | None
    y: int
    width: float


@dataclass(frozen=True)
class BarChart:
    bars: list[Bar]
    height: int
    label_width: int = 48
    plot_width: int = 420
    bar_height: int = 16
    gap: int = 6


def bar_chart(values: list[tuple[str, int | None]]) -> BarChart:
    """Horizontal bars, one per label; suppressed values draw no bar."""
    chart = BarChart(bars=[], height=0)
    largest = max((v for _, v in values if v), default=0)
    bars = []
    for index, (label, value) in enumerate(values):
        width = (value / largest * chart.plot_width) if value and largest else 0
        bars.append(Bar(label, value, index * (chart.bar_height + chart.gap), round(width, 1)))
    height = len(values) * (chart.bar_height + chart.gap)
    return BarChart(bars=bars, height=height)
