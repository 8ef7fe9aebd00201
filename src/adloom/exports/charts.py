"""Horizontal bar charts as plain geometry; the template draws them as inline SVG.

Computed here rather than in the template so the arithmetic is typed and testable, and the page
needs no chart library (the report must open offline, from a zip, with no network).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

ROW_HEIGHT = 28
LABEL_WIDTH = 170
BAR_AREA = 300
VALUE_GAP = 8


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    shown: str          # the value as printed next to the bar
    y: int
    width: int
    color: str


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: tuple[Bar, ...]
    height: int
    label_width: int = LABEL_WIDTH
    bar_area: int = BAR_AREA

    @property
    def width(self) -> int:
        return self.label_width + self.bar_area + 60


def bar_chart(title: str, items: Sequence[tuple[str, float]], colors: Sequence[str],
              fmt: str = "{:g}") -> BarChart:
    """Bars scaled to the largest value; a zero still gets a hairline so the row reads as 'none'."""
    top = max((value for _, value in items), default=0.0) or 1.0
    bars = tuple(
        Bar(label=label, value=value, shown=fmt.format(value), y=i * ROW_HEIGHT,
            width=max(2, round(BAR_AREA * value / top)), color=colors[i % len(colors)])
        for i, (label, value) in enumerate(items)
    )
    return BarChart(title=title, bars=bars, height=max(ROW_HEIGHT, len(bars) * ROW_HEIGHT))
