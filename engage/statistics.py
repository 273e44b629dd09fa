"""Public statistics: small counts are suppressed, charts are plain server-side SVG."""

from dataclasses import dataclass
from typing import Hashable, Mapping, TypeVar

SMALL_COUNT = 5
K = TypeVar("K", bound=Hashable)


def suppress_small(count: int) -> int | None:
    """None for 1 to 4 people: too few to publish without pointing at someone."""
    return None if 0 < count < SMALL_COUNT else count


def suppress_cells(cells: Mapping[K, int], total: int | None = None,
                   threshold: int = SMALL_COUNT) -> tuple[dict[K, int | None], int | None]:
    """Primary and secondary suppression of one table of counts of people: (cells, total)
    as they may be published, None where a number must not be.

    `cells` partition (part of) a population whose `total` is published beside them (None:
    no total is published anywhere, so nothing can be recomputed and only primary
    suppression applies). People of the total in no cell form a hidden remainder.

    - primary: a cell of 1 to `threshold - 1` people is suppressed (0 is published: it
      points at nobody); a total of 1 to `threshold - 1` is suppressed with every cell;
    - secondary: what a reader can recompute is the total minus the published cells, i.e.
      the sum of the hidden parts (suppressed cells and the remainder). That sum must not
      be a small group itself and must not be a single cell: while fewer than two parts are
      hidden, or they hold fewer than `threshold` people, the smallest published non-zero
      cell is suppressed too (ties: first in `cells`' order). If nothing is left to
      suppress, the total is suppressed.
    """
    shown: dict[K, int | None] = {key: (None if 0 < count < threshold else count) for key, count in cells.items()}
    if total is None:
        return shown, None
    remainder = total - sum(cells.values())
    if remainder < 0:
        raise ValueError("the cells hold more people than the total")
    if 0 < total < threshold:
        return {key: (None if count else 0) for key, count in cells.items()}, None
    order = {key: index for index, key in enumerate(cells)}
    while True:
        hidden = [key for key, value in shown.items() if value is None]
        if not hidden:
            return shown, total
        parts = len(hidden) + (1 if remainder > 0 else 0)
        if parts >= 2 and sum(cells[key] for key in hidden) + remainder >= threshold:
            return shown, total
        candidates = sorted((count, order[key], key) for key, count in cells.items()
                            if shown[key] is not None and count > 0)
        if not candidates:
            return shown, None
        shown[candidates[0][2]] = None


def share(count: int | None, total: int | None) -> float | None:
    """The share of a published count in a published total, in percent (None: not published)."""
    if count is None or not total:
        return None
    return 100.0 * count / total


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
