"""Writing a run's exports again after review decisions, with the export events lineage reads."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog
from adloom.audit.lineage import lineage_of_each
from adloom.audit.seal import check_run_assets
from adloom.errors import ConfigError
from adloom.feedback import report as feedback_report
from adloom.pipeline import export as export_stage
from adloom.pipeline.events import asset_events, export_event
from adloom.review.late_render import render_reviewed
from adloom.store import concepts as concept_store
from adloom.store.brands import get_version
from adloom.store.db import transaction
from adloom.types import Asset, Campaign, RunSummary, sha256_file

__all__ = ["write_run_exports"]


def write_run_exports(factory: sessionmaker[Session], audit: AuditLog, run_id: str, *,
                      actor: str = "system") -> dict[str, Path]:
    """The run's report, concepts.jsonl and bulk CSVs from the concepts as they stand now: approved by the
    governor or a reviewer ship, rejected and still-pending ones do not (``exports.common.shippable``)."""
    with factory() as session:
        row = concept_store.get_run(session, run_id)
        summary = RunSummary.model_validate(row.summary)
        concepts = concept_store.run_concepts(session, run_id)
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])
        brand = get_version(session, row.brand_version)
        out_dir = Path(row.out_dir)
        check_run_assets(session, summary.assets, out_dir)      # no changed file is exported
    if brand is None:
        raise ConfigError(f"brand version {row.brand_version} of run {run_id} is not in the store")
    late, problems = render_reviewed(concepts, summary, brand, out_dir)    # approved at the desk: no files yet
    summary.assets += late
    summary.render_errors += problems
    assets = _by_concept(summary.assets)
    lineage = lineage_of_each(factory, [c.id for c in concepts])
    outputs = export_stage.exports(concepts, verdicts, brand, summary.campaign or Campaign(), summary, out_dir,
                                   assets=assets, lineage=lineage, sections=feedback_report.sections(summary))
    with transaction(factory) as session:
        audit.append_many_in(session, [replace(event, actor=actor)
                                       for event in asset_events(_by_concept(late))])
        audit.append_many_in(session, [replace(export_event(run_id, name, path, concepts, brand), actor=actor)
                                       for name, path in outputs.items()])
        stored = concept_store.get_run(session, run_id)
        summary.outputs = {k: str(v) for k, v in outputs.items()}
        summary.output_hashes = {k: sha256_file(v) for k, v in outputs.items()}
        summary.by_status = {}
        for concept in concepts:
            summary.by_status[concept.status] = summary.by_status.get(concept.status, 0) + 1
        stored.summary = summary.model_dump(mode="json")
    return outputs


def _by_concept(assets: list[Asset]) -> dict[str, list[Asset]]:
    grouped: dict[str, list[Asset]] = {}
    for asset in assets:
        grouped.setdefault(asset.concept_id, []).append(asset)
    return grouped
