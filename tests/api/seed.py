"""A project with a real run and a real review queue, for the desk and API tests.

The example brand goes through the whole pipeline (formula writer); then variants of its concepts with
comparative phrases (and, where asked, hostile markup) are judged by the real Governor and stored the way the
pipeline stores a unit, so the queue holds concepts governance genuinely routed to review.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, kinds
from adloom.governance.embeddings import default_embedder
from adloom.governance.governor import Governor
from adloom.pipeline.render_step import render_step
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.store import concepts as concept_store
from adloom.store.db import transaction
from adloom.store.tables import RunConceptRow
from adloom.types import Campaign, Concept, MetaCopy
from adloom.writers.registry import get_writer
from tests.conftest import EXAMPLE_BRAND

PHRASES = ("Better than SleepCo.", "Better than Dreamly.", "Softer than any pillow you own.",
           "Better than memory foam.")
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror=alert(document.domain)>'


@dataclass
class Seeded:
    result: RunResult
    queued: list[str]          # concept ids routed to review, in insertion order


def run_example(store: sessionmaker[Session], tmp: Path, *, render: bool = False) -> RunResult:
    """The example brand's run; with ``render``, one angle on Meta only, its files rendered (a smaller run)."""
    brand_dir = tmp / "restwave"
    if not brand_dir.exists():
        shutil.copytree(EXAMPLE_BRAND, brand_dir, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    options = (RunOptions(project_dir=tmp, n_angles=1, platforms=["meta"]) if render
               else RunOptions(render=False, project_dir=tmp))
    return asyncio.run(run(brand_dir, factory=store, writer=get_writer("formula"),
                           campaign=Campaign(platforms=options.platforms), out_root=tmp / "out", options=options,
                           render_assets=render_step if render else None))


def variant(concept: Concept, phrase: str, extra: str = "") -> Concept:
    assert concept.draft is not None
    variants = []
    for copy in concept.draft.copy_variants:
        if isinstance(copy, MetaCopy):
            copy = copy.model_copy(update={"primary_text": f"{copy.primary_text} {phrase}{extra}".strip()})
        variants.append(copy)
    cid = hashlib.sha256(f"{concept.id}|{phrase}|{extra}".encode()).hexdigest()[:32]
    return concept.model_copy(update={"id": cid, "draft": concept.draft.model_copy(update={"copy_variants": variants})})


def seed(store: sessionmaker[Session], tmp: Path, n: int, *, hostile: bool = False, render: bool = False) -> Seeded:
    """Run the example, then queue up to ``n`` review items (every 3rd one carries hostile markup if asked)."""
    result = run_example(store, tmp, render=render)
    governor = Governor.build(result.brand, result.summary.campaign or Campaign(), embedder=default_embedder())
    audit = AuditLog(store)
    queued: list[str] = []
    base = [c for c in result.concepts if c.draft is not None]
    position = len(result.concepts)
    for phrase in PHRASES:
        for concept in base:
            if len(queued) >= n:
                break
            extra = (f" {SCRIPT}" if len(queued) % 2 == 0 else f" {IMG}") if hostile and len(queued) % 3 == 0 else ""
            candidate = variant(concept, phrase, extra)
            verdict = governor.verdict(candidate)
            if verdict.route != "review":
                continue
            candidate = candidate.model_copy(update={"status": "review"})
            with transaction(store) as session:
                concept_store.save_concept(session, candidate, [verdict])
                session.add(RunConceptRow(run_id=result.summary.run_id, concept_id=candidate.id, position=position,
                                          reused=0))
                audit.append_many_in(session, [
                    NewEvent(kinds.CONCEPT_GENERATED, candidate.id, "formula", {
                        "brand_version": candidate.brand_version, "angle": candidate.angle.id,
                        "segment": candidate.segment_id, "writer": "formula", "template": "concept@1", "attempt": 1}),
                    NewEvent(kinds.VERDICT_RECORDED, candidate.id, "governance", {
                        "attempt": 1, "route": verdict.route, "checks": verdict.checks, "scores": verdict.scores,
                        "findings": [f.model_dump(mode="json") for f in verdict.findings]})])
            position += 1
            queued.append(candidate.id)
    return Seeded(result, queued)
