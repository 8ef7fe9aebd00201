"""Stage: the reuse check. Inputs fingerprinted; an earlier run of the same inputs reused, an interrupted
one resumed under its own id, or a new run recorded; in every case the brand version is stored."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

import adloom
from adloom.audit import kinds
from adloom.feedback import similar
from adloom.governance.embeddings import default_embedder
from adloom.pipeline.context import RunContext, RunOptions, RunResult
from adloom.pipeline.events import brand_version_event
from adloom.store import brands as brand_store
from adloom.store import concepts as concept_store
from adloom.store import patterns as pattern_store
from adloom.store import runs as run_store
from adloom.store.db import transaction
from adloom.types import BrandObject, Campaign, Document, IngestWarning, Pattern, RunSummary, content_hash
from adloom.writers.base import Writer

__all__ = ["RunStart", "fingerprint", "pattern_library", "reused_result", "run_start"]


@dataclass(frozen=True)
class RunStart:
    summary: RunSummary
    out_dir: Path
    earlier: RunSummary | None      # a finished run of the same inputs whose outputs stand


def pattern_library(factory: sessionmaker[Session], brand: BrandObject, options: RunOptions) -> list[Pattern]:
    """The winners' library the angle ranking and the fingerprint read; borrowed ones only when asked."""
    with transaction(factory) as session:
        pattern_store.ensure_priors(session)
        patterns = pattern_store.load_patterns(session, brand.slug, others=False)
        if options.feedback.cross_brand:     # what worked for similar brands, shrunk by similarity
            patterns += similar.borrowed_for(session, brand, default_embedder(options.cache_dir))
    return patterns


def fingerprint(version: str, campaign: Campaign, options: RunOptions, writer: Writer,
                patterns: list[Pattern], policy: str) -> str:
    """Everything a run's outputs depend on; the same fingerprint means the same outputs."""
    return content_hash({"adloom": adloom.__version__, "brand": version, "campaign": campaign.model_dump(mode="json"),
                         "options": options.fingerprint_fields(), "writer": writer.id,
                         "patterns": [p.model_dump(mode="json") for p in patterns], "packs": policy}, length=32)


def run_start(ctx: RunContext, summary: RunSummary, brand: BrandObject, documents: list[Document],
              brand_status: str, out_root: Path) -> RunStart:
    """Reuse, resume or start; ``summary`` carries the fingerprint. Everything is stored in one transaction."""
    slug, force, key = brand.slug, ctx.options.force, summary.fingerprint
    assert key is not None, "the driver fingerprints the run before the reuse check"
    with transaction(ctx.factory) as session:
        earlier = None if force else concept_store.reusable_run(session, slug, key)
        resumed = None if earlier is not None or force else run_store.interrupted_run(session, slug, key)
        if resumed is not None:     # these inputs' interrupted run: finished under its own id, in its own folder
            ctx.resume_as(resumed.id)
            summary.run_id = resumed.id
        out_dir = Path(resumed.out_dir) if resumed is not None else out_root / slug / summary.run_id
        if brand_store.record_version(session, brand, [d.id for d in documents]):
            ctx.audit.append_many_in(session, [brand_version_event(brand, summary.brand_version, brand_status,
                                                                   documents)])
        note = {"fingerprint": key}
        if earlier is not None:
            ctx.audit.append_in(session, kinds.RUN_REUSED, earlier.run_id, "system", note)
        elif resumed is not None:
            run_store.mark_resumed(session, summary.run_id)
            ctx.audit.append_in(session, kinds.RUN_RESUMED, summary.run_id, "system", note)
        else:
            concept_store.start_run(session, summary, str(out_dir))
            ctx.audit.append_in(session, kinds.RUN_STARTED, summary.run_id, "system", {
                "brand_version": summary.brand_version, "writer": summary.writer_id,
                "campaign": summary.campaign.model_dump() if summary.campaign else None})
    if earlier is None:
        ctx.started_at(out_dir)
    return RunStart(summary, out_dir, earlier)


def reused_result(factory: sessionmaker[Session], earlier: RunSummary, brand: BrandObject,
                  warnings: list[IngestWarning]) -> RunResult:
    """The earlier run's outputs stand; the warnings are this invocation's (a pack refused now is said now)."""
    with factory() as session:
        concepts = concept_store.run_concepts(session, earlier.run_id)
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])
    summary = earlier.model_copy(update={"reused_run": earlier.run_id, "warnings": warnings})
    outputs = {k: Path(v) for k, v in earlier.outputs.items()}
    return RunResult(summary, outputs["report"].parent, brand, concepts, verdicts, outputs)
