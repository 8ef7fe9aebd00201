"""report.html: one self-contained page (inline CSS, JS and SVG) a marketer opens after a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, StrictUndefined
from markupsafe import Markup

from adloom.audit.lineage import Lineage
from adloom.exports.atomic import write_text_atomic
from adloom.exports.charts import BarChart, bar_chart
from adloom.exports.report_model import (
    STATUS_ORDER,
    ConceptCard,
    concept_card,
    group_cards,
    safe_colors,
)
from adloom.types import Angle, Asset, BrandObject, Concept, RunSummary, Verdict

STATUS_COLORS = {"approved": "#16a34a", "review": "#d97706", "rejected": "#dc2626", "failed": "#6b7280"}


@cache
def _environment() -> Environment:
    # autoescape on for every template: all brand and writer text is untrusted. Compiled templates are
    # kept in Jinja's per-user bytecode cache, so a CLI run does not pay the compile again.
    return Environment(loader=PackageLoader("adloom", "data/templates"), autoescape=True,
                       undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                       bytecode_cache=FileSystemBytecodeCache())


def _angles(concepts: Sequence[Concept], order: Sequence[str]) -> list[Angle]:
    """The angles of the run with their ranking rationale, in the run's order."""
    seen: dict[str, Angle] = {}
    for concept in concepts:
        seen.setdefault(concept.angle.id, concept.angle)
    for angle_id in order:
        seen.setdefault(angle_id, Angle(id=angle_id, name=angle_id))
    rank = {angle_id: i for i, angle_id in enumerate(order)}
    return sorted(seen.values(), key=lambda a: rank.get(a.id, len(rank)))


def _status_counts(concepts: Sequence[Concept], summary: RunSummary) -> list[tuple[str, int]]:
    counts: Mapping[str, int] = summary.by_status or Counter(c.status for c in concepts)
    ordered = [s for s in STATUS_ORDER if s in counts] + sorted(set(counts) - set(STATUS_ORDER))
    return [(status, counts[status]) for status in ordered]


def _charts(concepts: Sequence[Concept], angles: Sequence[Angle], summary: RunSummary,
            colors: Mapping[str, str]) -> list[BarChart]:
    statuses = _status_counts(concepts, summary)
    hooks: Counter[str] = Counter()
    for concept in concepts:
        hooks[concept.angle.id] += len(concept.draft.hooks) if concept.draft else 0
    charts = [
        bar_chart("Concepts by status", [(s.capitalize(), float(n)) for s, n in statuses],
                  [STATUS_COLORS.get(s, colors["primary"]) for s, _ in statuses]),
        bar_chart("Hooks per angle", [(a.name or a.id, float(hooks[a.id])) for a in angles],
                  [colors["primary"], colors["accent"]]),
    ]
    if summary.stage_seconds:
        charts.append(bar_chart("Stage time (s)", list(summary.stage_seconds.items()),
                                [colors["accent"]], fmt="{:.1f}"))
    return charts


def report_context(concepts: Sequence[Concept], verdicts: Mapping[str, Sequence[Verdict]],
                   brand: BrandObject, summary: RunSummary, out_dir: Path,
                   assets: Mapping[str, Sequence[Asset]] | None = None,
                   lineage: Mapping[str, Lineage] | None = None,
                   cards: Mapping[str, ConceptCard] | None = None) -> dict[str, Any]:
    """``cards``: cards made (and rendered) ahead, by concept id; the caller vouches they are current."""
    colors = safe_colors(brand.brand_kit.colors)
    angles = _angles(concepts, summary.angles)
    ahead = cards or {}
    cards_ = [ahead.get(c.id) or concept_card(c, brand, verdicts, (assets or {}).get(c.id, []), out_dir,
                                              (lineage or {}).get(c.id))
              for c in concepts]
    total = summary.concepts or len(concepts)
    segments = {card.concept.segment_id: card.segment_label for card in cards_}
    groups = group_cards(cards_, [a.id for a in angles])
    return {
        "brand": brand,
        "brand_version": summary.brand_version or brand.version(),
        "summary": summary,
        "colors": colors,
        "angles": angles,
        "status_counts": _status_counts(concepts, summary),
        "status_colors": STATUS_COLORS,
        "first_draft_failure_rate": summary.first_draft_failures / total if total else 0.0,
        "charts": _charts(concepts, angles, summary, colors),
        "groups": groups,
        "filter_angles": [(g.angle_id, g.name) for g in groups],
        "filter_segments": sorted(segments.items(), key=lambda kv: kv[1].lower()),
        "filter_statuses": sorted({c.status for c in concepts}, key=lambda s: (
            STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER))),
        "concept_count": len(concepts),
        "has_assets": bool(assets),
    }


def render_report(context: Mapping[str, Any]) -> str:
    return _environment().get_template("report.html.j2").render(**context)


def render_card(card: ConceptCard) -> ConceptCard:
    """The card with its HTML, exactly as the report's loop would render it: the card template reads
    nothing but the card and the status colours (a test holds the two renderings equal)."""
    html = _environment().get_template("report_card.html.j2").render(card=card, status_colors=STATUS_COLORS)
    return replace(card, html=Markup(html))     # the template's own output, escaped as it was rendered


def write_report(path: Path, concepts: Sequence[Concept], verdicts: Mapping[str, Sequence[Verdict]],
                 brand: BrandObject, summary: RunSummary,
                 assets: Mapping[str, Sequence[Asset]] | None = None,
                 lineage: Mapping[str, Lineage] | None = None,
                 cards: Mapping[str, ConceptCard] | None = None) -> Path:
    context = report_context(concepts, verdicts, brand, summary, path.parent, assets, lineage, cards)
    return write_text_atomic(path, render_report(context))
