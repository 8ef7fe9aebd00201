"""A unit executed on a worker, idempotent by its content key.

At-least-once delivery means a unit may run twice (a worker killed before it acknowledged, a visibility
timeout passed, the driver sending it again). So every unit:

1. counts the delivery and returns at once when an earlier delivery already finished it;
2. does its work without writing anything it would have to take back (model calls are recorded in memory);
3. commits its results in ONE transaction under the audit chain's lock: the unit's row is re-read, and if
   another delivery finished meanwhile nothing is written; otherwise the concept, its verdicts, its audit
   events, its writer call rows and the unit's "done" commit together, or none of them does.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import DEFAULT_REDACTOR, AuditLog
from adloom.audit.log import lock_chain
from adloom.errors import ConfigError
from adloom.governance.constraints import constraints_for
from adloom.governance.embeddings import default_embedder
from adloom.governance.governor import Governor
from adloom.governance.packs import Pack, PackSet
from adloom.governance.packs import shared_matcher_cache as matcher_cache
from adloom.pipeline.calls import CallRecorder, layered
from adloom.pipeline.concepts import concept_id, governed_concept
from adloom.pipeline.events import concept_events
from adloom.pipeline.governed import Judge
from adloom.scale.payloads import ConceptUnit, ExportUnit, RenderUnit, relative
from adloom.scale.storage import LocalOutputs
from adloom.settings import Settings
from adloom.store import concepts as concept_store
from adloom.store import units as unit_store
from adloom.store.db import make_engine, transaction
from adloom.store.tables import ConceptRow, RunUnitRow, WriterCallRow
from adloom.types import Asset, ConceptDraft, Constraints, Finding
from adloom.writers.base import Writer
from adloom.writers.pricing import PriceTable
from adloom.writers.registry import get_writer
from adloom.writers.tasks import RewriteTask, supports

log = logging.getLogger("adloom.scale.units")

__all__ = ["WorkerEnv", "concept_unit", "export_unit", "render_unit"]


@dataclass
class WorkerEnv:
    """One worker process's store, output root and built governors (a governor is built once per brand
    version, campaign and policy, then reused by every unit of them this process runs)."""

    settings: Settings
    factory: sessionmaker[Session]
    outputs: LocalOutputs
    name: str
    judges: dict[tuple[str, str, str], Judge] = field(default_factory=dict)
    prices: PriceTable = field(default_factory=PriceTable.load)

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerEnv:
        if not settings.database_url:
            raise ConfigError("a worker needs ADLOOM_DATABASE_URL (a PostgreSQL store)", field="database_url")
        factory = sessionmaker(make_engine(settings.database_url), expire_on_commit=False)
        root = settings.output_root or settings.out_dir
        return cls(settings, factory, LocalOutputs(root), f"{socket.gethostname()}:{os.getpid()}")

    def judge(self, job: ConceptUnit) -> Judge:
        key = (job.brand_version, job.campaign.model_dump_json(), job.packs_version)
        if key not in self.judges:
            packs = PackSet(tuple(Pack.model_validate(p) for p in job.packs), cache_dir=matcher_cache())
            if packs.version != job.packs_version:
                raise ConfigError(f"the rule packs of run {job.run_id} do not load the same here (policy "
                                  f"{packs.version} != {job.packs_version}): is this worker on another adloom?")
            embedder = default_embedder(None, threads=self.settings.worker_threads)
            governor = Governor.build(job.brand, job.campaign, packs=packs, embedder=embedder)
            self.judges[key] = Judge(governor, packs, embedder, job.max_attempts)
        return self.judges[key]

    def writer(self, job: ConceptUnit, recorder: CallRecorder) -> Writer:
        spec = job.writer
        base = get_writer(spec.spec, **self.settings.writer_options(spec.spec))
        if base.id != spec.id:
            raise ConfigError(f"writer '{spec.spec}' is '{base.id}' on this worker, '{spec.id}' on the driver")
        return layered(base, factory=self.factory, run_id=job.run_id, rpm=spec.rpm, tpm=spec.tpm,
                       retries=spec.retries, cache=not base.offline, recorder=recorder,
                       budget=self.settings.shared_budget(base.id))   # RPM/TPM shared by every worker (Redis)


def _started(env: WorkerEnv, run_id: str, kind: str, unit: str, key: str) -> dict[str, Any] | None:
    """Count this delivery; the stored result when an earlier delivery finished the unit."""
    with transaction(env.factory) as session:
        row = unit_store.started(session, run_id, kind, unit, key, env.name)
        if row.status in unit_store.FINAL:
            log.info("already finished by an earlier delivery", extra={"deliveries": row.deliveries})
            return dict(row.result or {}, duplicate=True)
        return None


def _finish_row(session: Session, run_id: str, kind: str, unit: str) -> RunUnitRow | None:
    """The unit's row, locked; None when another delivery finished it first (then nothing is written)."""
    row = unit_store.locked(session, run_id, kind, unit)
    if row is None or row.status in unit_store.FINAL:
        return None
    return row


async def concept_unit(job: ConceptUnit, env: WorkerEnv) -> dict[str, Any]:
    """Write and govern one angle x segment; returns what the driver needs to go on (the first draft's
    hooks, which the angle's next segment must avoid)."""
    done = _started(env, job.run_id, "concept", job.unit, job.key)
    if done is not None:
        return done
    segment = next(s for s in job.brand.segments if s.id == job.segment_id)
    judge = env.judge(job)

    def constraints(previous: list[Finding]) -> Constraints:
        base = constraints_for(job.brand, job.campaign, previous=previous, packs=judge.packs,
                               hooks_per_concept=job.hooks_per_concept)
        return Constraints.model_validate({**base.model_dump(mode="json"), "avoid_hooks": job.avoid_hooks,
                                           **job.tune})

    recorder = CallRecorder(env.factory, job.run_id, env.prices, pending=[])
    writer = env.writer(job, recorder)
    cid = concept_id(job.brand_version, job.angle, segment, writer.id, constraints([]))
    if cid != job.key:
        raise ConfigError(f"unit {job.unit}: content key {cid} here, {job.key} on the driver (another adloom "
                          "version or rule packs on this worker?)")
    with env.factory() as session:
        stored = concept_store.get_concept(session, cid)
    if stored is not None and stored.status != "failed":     # made by an earlier run: reused, as in-process
        outcome = _outcome(cid, stored.status, stored.draft, False, stored.attempt, reused=True)
        with transaction(env.factory) as session:
            row = _finish_row(session, job.run_id, "concept", job.unit)
            if row is not None:
                unit_store.finish(row, "done", outcome)
        return outcome

    first: list[ConceptDraft | None] = []
    result = await governed_concept(job.brand, job.angle, segment, writer=writer, check=judge,
                                    constraints_for=constraints, max_attempts=job.max_attempts,
                                    brand_version=job.brand_version, on_first_draft=first.append)
    outcome = _outcome(cid, result.concept.status, first[0] if first else None, result.first_draft_failed,
                       len(result.verdicts), reused=False)
    events = concept_events(result, writer.id, supports(writer, RewriteTask))
    audit = AuditLog(env.factory, redact=DEFAULT_REDACTOR if job.audit_redact else None)
    with transaction(env.factory) as session:
        lock_chain(session)     # every unit's commit in turn: the checks below and the writes are one step
        row = _finish_row(session, job.run_id, "concept", job.unit)
        if row is None:
            log.info("another delivery finished this unit first; this one's results are dropped")
            return outcome
        existing = session.get(ConceptRow, cid)
        if existing is None or existing.status == "failed":
            concept_store.save_concept(session, result.concept, result.verdicts)
            audit.append_many_in(session, events)
        # else: another run stored the same concept meanwhile (same content): it stands, once
        session.add_all(_rows(recorder.pending))
        unit_store.finish(row, "done", outcome)
    log.info("unit done", extra={"status": outcome["status"], "attempts": outcome["attempts"]})
    return outcome


def _rows(pending: list[WriterCallRow] | None) -> list[WriterCallRow]:
    return list(pending or [])


def _outcome(cid: str, status: str, draft: ConceptDraft | None, first_failed: bool, attempts: int, *,
             reused: bool) -> dict[str, Any]:
    return {"concept_id": cid, "status": status, "first_hooks": [h.text for h in draft.hooks] if draft else [],
            "first_draft_failed": first_failed, "attempts": attempts, "reused": reused}


async def render_unit(job: RenderUnit, env: WorkerEnv) -> dict[str, Any]:
    """One concept's files into the shared run folder; the outcome (assets, failures, findings, journal
    keys) goes to the driver, which writes the run's manifest and the asset events."""
    from adloom.pipeline import render  # the generators' imports only on workers that render
    from adloom.platforms import PLACEMENTS

    done = _started(env, job.run_id, "render", job.unit, job.key)
    if done is not None:
        return done
    with env.factory() as session:
        concepts = [c for cid in job.order if (c := concept_store.get_concept(session, cid)) is not None]
    out_dir, brand_dir = env.outputs.folder(job.out_dir), env.outputs.folder(job.brand_dir)
    placements = [pid for pid, p in PLACEMENTS.items() if p.platform in job.platforms]
    outcome = await render.assets(concepts, job.brand, out_dir, placements=placements, brand_dir=brand_dir,
                                  generators=dict(job.generators), only={job.unit})
    result = {"assets": [a.model_dump(mode="json") for a in outcome.assets],
              "errors": [dict(e.__dict__) for e in outcome.errors],
              "findings": {k: [f.model_dump(mode="json") for f in v] for k, v in outcome.findings.items()},
              "changed": outcome.changed, "keys": outcome.keys}
    with transaction(env.factory) as session:
        row = _finish_row(session, job.run_id, "render", job.unit)
        if row is not None:
            unit_store.finish(row, "done", result)
    log.info("unit done", extra={"assets": len(outcome.assets), "errors": len(outcome.errors)})
    return result


async def export_unit(job: ExportUnit, env: WorkerEnv) -> dict[str, Any]:
    """The run's report, concepts.jsonl and bulk files into the shared run folder."""
    from adloom.audit.lineage import lineage_of_each
    from adloom.feedback import report as feedback_report
    from adloom.pipeline import export

    done = _started(env, job.run_id, "export", "export", job.key)
    if done is not None:
        return done
    with env.factory() as session:
        concepts = [c for cid in job.concept_ids if (c := concept_store.get_concept(session, cid)) is not None]
        verdicts = concept_store.verdicts_for(session, job.concept_ids)
    assets: dict[str, list[Asset]] = {}
    for asset in job.assets:
        assets.setdefault(asset.concept_id, []).append(asset)
    out_dir = env.outputs.folder(job.out_dir)
    lineage = lineage_of_each(env.factory, job.concept_ids)
    written = export.exports(concepts, verdicts, job.brand, job.campaign, job.summary, out_dir, assets=assets,
                             lineage=lineage, sections=feedback_report.sections(job.summary))
    result = {"outputs": {name: relative(path, env.outputs.root) for name, path in written.items()}}
    with transaction(env.factory) as session:
        row = _finish_row(session, job.run_id, "export", "export")
        if row is not None:
            unit_store.finish(row, "done", result)
    return result

