"""report.html: one self-contained page (inline CSS, JS and SVG) a marketer opens after a run.

The page leads with the creatives: a contact sheet of every concept (filterable by angle, segment, platform
and route), each tile one click from the concept's full detail. Run figures, angle scoring, writer cost and
the audit trail sit one click away in the "Run & audit" panel.

Other features add their own parts as ``ReportSection``s: a template under ``data/templates`` named
``report_section_*.html.j2`` that reads ``section.data``, shown after the contact sheet (``place="main"``)
or inside the audit panel (``place="audit"``), and listed in the page's navigation.
"""

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
from adloom.exports.posters import make_posters
from adloom.exports.report_model import (
    PLATFORM_ORDER,
    ROUTE_ORDER,
    STATUS_ORDER,
    ConceptCard,
    concept_card,
    group_cards,
    safe_colors,
)
from adloom.exports.report_sections import ReportSection, inputs_section
from adloom.types import Angle, Asset, BrandObject, Concept, RunSummary, Verdict

STATUS_COLORS = {"approved": "#16a34a", "review": "#d97706", "rejected": "#dc2626", "failed": "#6b7280",
                 "approve": "#16a34a", "regenerate": "#6b7280", "reject": "#dc2626"}
PLATFORM_NAMES = {"meta": "Meta", "google": "Google", "tiktok": "TikTok"}


@cache
def _environment() -> Environment:
    # autoescape on for every template: all brand and writer text is untrusted. Compiled templates are
    # kept in Jinja's per-user bytecode cache, so a CLI run does not pay the compile again.
    env = Environment(loader=PackageLoader("adloom", "data/templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      bytecode_cache=FileSystemBytecodeCache())
    env.filters["quoted"] = quoted
    return env


_QUOTE_MARKS = "\"'“”‘’«»"


def quoted(text: str) -> str:
    """A hook in curly quotes, unless the writer already quoted it (a testimonial hook): never “"x."”."""
    stripped = text.strip()
    if len(stripped) >= 2 and stripped[0] in _QUOTE_MARKS and stripped[-1] in _QUOTE_MARKS + ".!?":
        return stripped
    return f"“{stripped}”"


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


def _usage_shown(usage: Mapping[str, Mapping[str, Any]]) -> bool:
    """The per-stage call table is shown when it says something: tokens, cost or errors. The offline
    writer makes calls that cost nothing, and a table of zeros is noise."""
    keys = ("input_tokens", "output_tokens", "cost", "errors", "unpriced_calls")
    return any(float(row.get(k) or 0) for row in usage.values() for k in keys)


def _ordered(values: set[str], order: Sequence[str]) -> list[str]:
    return sorted(values, key=lambda v: (order.index(v) if v in order else len(order), v))


def report_context(concepts: Sequence[Concept], verdicts: Mapping[str, Sequence[Verdict]],
                   brand: BrandObject, summary: RunSummary, out_dir: Path,
                   assets: Mapping[str, Sequence[Asset]] | None = None,
                   lineage: Mapping[str, Lineage] | None = None,
                   cards: Mapping[str, ConceptCard] | None = None,
                   sections: Sequence[ReportSection] = (),
                   posters: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``cards``: cards made (and rendered) ahead, by concept id; the caller vouches they are current.
    ``posters``: poster frame path by video asset path (``write_report`` makes them)."""
    colors = safe_colors(brand.brand_kit.colors)
    angles = _angles(concepts, summary.angles)
    ahead = cards or {}
    cards_ = [ahead.get(c.id) or concept_card(c, brand, verdicts, (assets or {}).get(c.id, []), out_dir,
                                              (lineage or {}).get(c.id), posters)
              for c in concepts]
    total = summary.concepts or len(concepts)
    segments = {card.concept.segment_id: card.segment_label for card in cards_}
    groups = group_cards(cards_, [a.id for a in angles])
    shown = [s for s in sections if s.count != 0]
    media = Counter(m.kind for card in cards_ for m in card.media)
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
        "usage_shown": _usage_shown(summary.writer_usage),
        "groups": groups,
        "cards": [card for group in groups for seg in group.segments for card in seg.cards],
        "filter_angles": [(g.angle_id, g.name) for g in groups],
        "filter_segments": sorted(segments.items(), key=lambda kv: kv[1].lower()),
        "filter_platforms": [(p, PLATFORM_NAMES.get(p, p)) for p in
                             _ordered({p for card in cards_ for p in card.platforms}, PLATFORM_ORDER)],
        "filter_routes": _ordered({card.route for card in cards_}, ROUTE_ORDER),
        "platform_names": PLATFORM_NAMES,
        "concept_count": len(concepts),
        "media_counts": media,
        "main_sections": [s for s in shown if s.place == "main"],
        "audit_sections": [s for s in shown if s.place == "audit"],
    }


def render_report(context: Mapping[str, Any]) -> str:
    return _environment().get_template("report.html.j2").render(**context)


def render_card(card: ConceptCard) -> ConceptCard:
    """The card with its HTML, exactly as the report's loop would render it: the card template reads
    nothing but the card and the status colours (a test holds the two renderings equal)."""
    html = _environment().get_template("report_card.html.j2").render(card=card, status_colors=STATUS_COLORS)
    return replace(card, html=Markup(html))     # the template's own output, escaped as it was rendered


def _posters(assets: Mapping[str, Sequence[Asset]] | None, out_dir: Path) -> tuple[dict[str, str], list[str]]:
    """A poster frame beside every rendered video, by the video's stored path."""
    videos = {a.path: (Path(a.path) if Path(a.path).is_absolute() else out_dir / a.path, a.duration)
              for items in (assets or {}).values() for a in items if a.kind == "video"}
    made = make_posters([file for file, _ in videos.values()], {file: d for file, d in videos.values()})
    found = {stored: str(made.by_video[file]) for stored, (file, _) in videos.items() if file in made.by_video}
    return found, made.errors


def write_report(path: Path, concepts: Sequence[Concept], verdicts: Mapping[str, Sequence[Verdict]],
                 brand: BrandObject, summary: RunSummary,
                 assets: Mapping[str, Sequence[Asset]] | None = None,
                 lineage: Mapping[str, Lineage] | None = None,
                 cards: Mapping[str, ConceptCard] | None = None,
                 sections: Sequence[ReportSection] = ()) -> Path:
    """``sections``: optional parts added by other features (see ``report_sections``)."""
    posters, poster_errors = _posters(assets, path.parent)
    context = report_context(concepts, verdicts, brand, summary, path.parent, assets, lineage, cards,
                             [inputs_section(summary, poster_errors), *sections], posters)
    return write_text_atomic(path, render_report(context))
