"""The export stage: concepts.jsonl, report.html and one bulk-upload CSV per campaign platform."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from adloom.audit.lineage import Lineage
from adloom.exports.concepts_jsonl import write_concepts_jsonl
from adloom.exports.csv_file import write_csv
from adloom.exports.google import GOOGLE_COLUMNS, google_rows
from adloom.exports.meta import META_COLUMNS, meta_rows
from adloom.exports.report import write_report
from adloom.exports.report_sections import ReportSection
from adloom.exports.tiktok import TIKTOK_COLUMNS, tiktok_rows
from adloom.types import Asset, BrandObject, Campaign, Concept, RunSummary, Verdict

__all__ = ["exports"]


def exports(concepts: list[Concept], verdicts: dict[str, list[Verdict]], brand: BrandObject,
            campaign: Campaign, summary: RunSummary, out_dir: Path, *,
            assets: dict[str, list[Asset]] | None = None,
            lineage: Mapping[str, Lineage] | None = None,
            sections: Sequence[ReportSection] = ()) -> dict[str, Path]:
    """Write every output of a run and return their paths by key.

    ``sections``: optional report parts other features add (``exports.report_sections.ReportSection``).
    CSV rows are built before anything is written, so copy over a platform limit (which raises
    ``PolicyViolation``) stops the stage without leaving a partial set of bulk files behind.
    """
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
        "concepts": write_concepts_jsonl(out_dir / "concepts.jsonl", concepts, verdicts),
        "report": write_report(out_dir / "report.html", concepts, verdicts, brand, summary, assets, lineage,
                               sections=sections),
    }
    for key, (path, columns, rows) in planned.items():
        written[key] = write_csv(path, columns, rows)
    return written
