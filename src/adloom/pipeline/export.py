"""The export stage: concepts.jsonl, report.html and one bulk-upload CSV per campaign platform."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit.lineage import Lineage, lineage_of_each
from adloom.exports.common import final_verdict
from adloom.exports.concepts_jsonl import concept_line, write_concepts_jsonl
from adloom.exports.csv_file import write_csv
from adloom.exports.google import GOOGLE_COLUMNS, google_rows
from adloom.exports.meta import META_COLUMNS, meta_rows
from adloom.exports.report import render_card, write_report
from adloom.exports.report_model import ConceptCard, concept_card
from adloom.exports.report_sections import ReportSection
from adloom.exports.tiktok import TIKTOK_COLUMNS, tiktok_rows
from adloom.types import Asset, BrandObject, Campaign, Concept, RunSummary, Verdict

__all__ = ["ConceptExport", "ExportsAhead", "exports"]


@dataclass(frozen=True)
class ConceptExport:
    """One concept's share of the exports, made from the concept and verdicts it was stored with."""

    concept: Concept
    verdicts: tuple[Verdict, ...]
    line: str               # its concepts.jsonl line
    card: ConceptCard       # its report card, rendered (its lineage included)


class ExportsAhead:
    """Each concept's JSONL line, lineage and report card, made as soon as its unit is stored, while the
    run still waits on the model for other units; the export stage then only assembles them.

    A part is used only if it is still true at export time: the very concept object it was made from
    (near-duplicate suppression and second opinions make new ones), the same verdicts, and no assets
    (rendering adds media to the card and events to the lineage). Anything else is made afresh.
    """

    def __init__(self, factory: sessionmaker[Session], brand: BrandObject, out_dir: Path) -> None:
        self.factory = factory
        self.brand = brand
        self.out_dir = out_dir
        self._parts: dict[str, ConceptExport] = {}

    def prepare(self, concept: Concept, verdicts: Sequence[Verdict]) -> None:
        """Call after the concept and its verdicts are stored (its lineage is read from the audit log).

        Only a head start: a part that cannot be made now is made again by the export stage, which
        reports whatever went wrong where the run's outputs are written."""
        try:
            lineage = lineage_of_each(self.factory, [concept.id])[concept.id]
            by_id = {concept.id: list(verdicts)}
            card = render_card(concept_card(concept, self.brand, by_id, [], self.out_dir, lineage))
            line = concept_line(concept, final_verdict(by_id, concept.id))
        except Exception:   # see above: the export stage makes it again and reports
            return
        self._parts[concept.id] = ConceptExport(concept, tuple(verdicts), line, card)

    def current(self, concepts: Sequence[Concept], verdicts: Mapping[str, Sequence[Verdict]],
                assets: Mapping[str, Sequence[Asset]] | None = None) -> dict[str, ConceptExport]:
        """The parts still true of ``concepts`` as they are exported, by concept id."""
        out = {}
        for concept in concepts:
            part = self._parts.get(concept.id)
            if (part is not None and part.concept is concept and not (assets or {}).get(concept.id)
                    and part.verdicts == tuple(verdicts.get(concept.id, ()))):
                out[concept.id] = part
        return out


def exports(concepts: list[Concept], verdicts: dict[str, list[Verdict]], brand: BrandObject,
            campaign: Campaign, summary: RunSummary, out_dir: Path, *,
            assets: dict[str, list[Asset]] | None = None,
            lineage: Mapping[str, Lineage] | None = None,
            ahead: Mapping[str, ConceptExport] | None = None,
            sections: Sequence[ReportSection] = ()) -> dict[str, Path]:
    """Write every output of a run and return their paths by key.

    ``ahead``: current parts made by ``ExportsAhead``, used in place of making them again.
    ``sections``: optional report parts other features add (``exports.report_sections.ReportSection``).
    CSV rows are built before anything is written, so copy over a platform limit (which raises
    ``PolicyViolation``) stops the stage without leaving a partial set of bulk files behind.
    """
    ahead = ahead or {}
    bulk_dir = out_dir / "exports"
    planned: dict[str, tuple[Path, tuple[str, ...], list[dict[str, str]]]] = {}
    if "meta" in campaign.platforms:
        planned["meta"] = (bulk_dir / "meta_bulk.csv", META_COLUMNS,
                           meta_rows(concepts, brand, campaign, assets))
    if "google" in campaign.platforms:
        planned["google"] = (bulk_dir / "google_rsa.csv", GOOGLE_COLUMNS,
                             google_rows(concepts, brand, campaign))
    if "tiktok" in campaign.platforms:
        planned["tiktok"] = (bulk_dir / "tiktok_ads.csv", TIKTOK_COLUMNS,
                             tiktok_rows(concepts, brand, campaign, assets))

    written = {
        "concepts": write_concepts_jsonl(out_dir / "concepts.jsonl", concepts, verdicts,
                                         {k: part.line for k, part in ahead.items()}),
        "report": write_report(out_dir / "report.html", concepts, verdicts, brand, summary, assets, lineage,
                               {k: part.card for k, part in ahead.items()}, sections),
    }
    for key, (path, columns, rows) in planned.items():
        written[key] = write_csv(path, columns, rows)
    return written
