"""Point-and-interval charts as standalone SVG: each row a dot at the posterior mean and a line across its
90% credible interval, with the brand baseline as a dashed rule, so overlap (no clear winner) is visible."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

ROW = 26
LABEL = 230
PLOT = 360
PAD = 16
EVIDENCE = 120


@dataclass(frozen=True)
class Point:
    label: str
    mean: float
    low: float
    high: float
    note: str = ""          # shown at the right: the evidence behind the row
    strong: bool = False    # the interval clears the baseline


def interval_chart(title: str, points: Sequence[Point], baseline: float | None = None, *, unit: str = "%") -> str:
    top = max([p.high for p in points] + [baseline or 0.0], default=0.0) * 1.1 or 1.0
    width = LABEL + PLOT + EVIDENCE + 2 * PAD
    height = PAD * 3 + ROW * max(len(points), 1) + 18

    def x(value: float) -> float:
        return round(LABEL + PAD + PLOT * value / top, 1)

    def fmt(value: float) -> str:
        return f"{100 * value:.2f}%" if unit == "%" else f"{value:.2f}"

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" role="img" '
             f'aria-label="{escape(title)}">',
             f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
             f'<text x="{PAD}" y="{PAD + 4}" font-weight="bold" font-size="13">{escape(title)}</text>']
    y0 = PAD * 2 + 4
    for i, p in enumerate(points):
        y = y0 + i * ROW + ROW // 2
        color = "#16a34a" if p.strong else "#2563eb"
        parts += [f'<text x="{LABEL + PAD - 8}" y="{y + 4}" text-anchor="end">{escape(p.label[:34])}</text>',
                  f'<line x1="{x(p.low)}" y1="{y}" x2="{x(p.high)}" y2="{y}" stroke="{color}" stroke-width="3" '
                  f'stroke-linecap="round"/>',
                  f'<circle cx="{x(p.mean)}" cy="{y}" r="5" fill="{color}"><title>{escape(p.label)}: '
                  f'{fmt(p.mean)} [{fmt(p.low)}, {fmt(p.high)}]</title></circle>',
                  f'<text x="{LABEL + PAD + PLOT + 10}" y="{y + 4}" fill="#4b5563">{escape(p.note)}</text>']
    axis_y = y0 + ROW * max(len(points), 1) + 4
    parts.append(f'<line x1="{LABEL + PAD}" y1="{axis_y}" x2="{LABEL + PAD + PLOT}" y2="{axis_y}" stroke="#9ca3af"/>')
    for tick in (0.0, top / 2, top):
        parts.append(f'<text x="{x(tick)}" y="{axis_y + 14}" text-anchor="middle" fill="#6b7280">{fmt(tick)}</text>')
    if baseline is not None:
        parts.append(f'<line x1="{x(baseline)}" y1="{y0}" x2="{x(baseline)}" y2="{axis_y}" stroke="#dc2626" '
                     f'stroke-dasharray="4 3"><title>brand baseline {fmt(baseline)}</title></line>')
    parts.append("</svg>")
    return "\n".join(parts)
