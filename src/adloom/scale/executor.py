"""The driver's side of the celery executor: send units, gather what the workers stored, go on.

Concept units keep the in-process order within an angle: each segment is told the hooks of the earlier
segments' first drafts (``avoid_hooks``, part of the content key), so an angle's next segment is sent when
the previous one's result comes back; the angles run side by side. Results are read from the store
(``run_units``), where each unit's outcome commits with its concept; the broker only carries the work.
Units are idempotent, so sending one again costs at most a little work, and the driver does when the work
may be lost: every unfinished unit when the broker restarted (a Redis without persistence comes back
empty; Redis's ``run_id`` says it is a new process), and any unit not finished ``resend_after`` seconds
after it was sent (a lost message, a worker gone with the store).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from adloom.errors import AdloomError
from adloom.feedback.allocation import Plan
from adloom.governance.constraints import constraints_for
from adloom.pipeline.concepts import concept_id
from adloom.pipeline.context import RenderFn, RunContext
from adloom.pipeline.executor import ExportJob
from adloom.pipeline.fanout import Unit
from adloom.pipeline.governed import Judge
from adloom.pipeline.render_journal import MANIFEST, concept_digest
from adloom.scale.app import CONCEPT_TASK, EXPORT_TASK, QUEUES, RENDER_TASK, celery_app
from adloom.scale.payloads import ConceptUnit, ExportUnit, RenderUnit, WriterSpec, relative
from adloom.scale.storage import LocalOutputs
from adloom.settings import Settings
from adloom.store import concepts as concept_store
from adloom.store import units as unit_store
from adloom.store.db import transaction
from adloom.types import Angle, Asset, BrandObject, Campaign, Concept, Constraints, Finding, content_hash

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger("adloom.scale.executor")

__all__ = ["CeleryExecutor", "UnitFailed"]


class UnitFailed(AdloomError):
    """A unit a worker could not finish (after its retries): the run stops and says which and why."""


@dataclass
class _Sent:
    key: str
    task: str
    payload: dict[str, Any]
    at: float
    then: Callable[[unit_store.Outcome], None] | None = None


@dataclass
class CeleryExecutor:
    app: Celery
    writer_spec: str                # the selection string the workers build the writer from
    outputs: LocalOutputs           # the output root every worker writes run folders into
    generators: dict[str, str | None] = field(default_factory=dict)
    poll: float = 0.2
    resend_after: float = 3600.0
    broker_check: float = 2.0       # seconds between looks at the broker's identity
    _broker: tuple[float, str | None] = (0.0, None)     # (when last looked, the broker process's run_id)

    @classmethod
    def from_settings(cls, settings: Settings, writer_spec: str, out_root: Path,
                      generators: dict[str, str | None] | None = None) -> CeleryExecutor:
        return cls(celery_app(settings), writer_spec, LocalOutputs(out_root), dict(generators or {}),
                   resend_after=settings.unit_resend_after)

    def broker_id(self) -> str | None:
        """The Redis server's ``run_id`` (new at every start), or None for another broker or none reachable."""
        url = str(self.app.conf.broker_url or "")
        if not url.startswith(("redis://", "rediss://")):
            return None
        import redis

        try:
            client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
            try:
                return str(client.info("server")["run_id"])
            finally:
                client.close()
        except redis.RedisError:
            return None

    def _broker_restarted(self) -> bool:
        when, known = self._broker
        if time.monotonic() - when < self.broker_check:
            return False
        now = self.broker_id()
        self._broker = (time.monotonic(), now or known)
        return known is not None and now is not None and now != known

    # ------------------------------------------------------------------ concepts

    async def governed_concepts(self, ctx: RunContext, brand: BrandObject, campaign: Campaign, angles: list[Angle],
                       plan: Plan, judge: Judge) -> list[Unit]:
        options = ctx.options
        ctx.progress.stage("concepts", total=len(angles) * len(brand.segments))
        version, packs = brand.version(), judge.packs
        common: dict[str, Any] = dict(
            run_id=ctx.run_id, brand=brand, brand_version=version, campaign=campaign,
            packs=[p.model_dump(mode="json") for p in packs.packs], packs_version=packs.version,
            hooks_per_concept=options.hooks_per_concept, max_attempts=options.max_attempts,
            audit_redact=options.audit_redact,
            writer=WriterSpec(spec=self.writer_spec, id=ctx.writer.id, retries=options.writer_retries,
                              rpm=options.writer_rpm, tpm=options.writer_tpm))
        names = [f"{a.id}/{s.id}" for a in angles for s in brand.segments]
        _write(ctx, lambda session: unit_store.plan(session, ctx.run_id, "concept", names))
        outcomes: dict[str, unit_store.Outcome] = {}
        outstanding: dict[str, _Sent] = {}

        def send(angle: Angle, index: int, used: list[str]) -> None:
            segment = brand.segments[index]
            base = constraints_for(brand, campaign, packs=packs, hooks_per_concept=options.hooks_per_concept)
            base = base.model_copy(update={"avoid_hooks": list(used)})
            tuned = plan.tune(angle, segment, base)
            cid = concept_id(version, angle, segment, ctx.writer.id, tuned)
            payload = ConceptUnit(unit=f"{angle.id}/{segment.id}", key=cid, angle=angle, segment_id=segment.id,
                                  avoid_hooks=list(used), tune=_changed(base, tuned), **common)

            def then(outcome: unit_store.Outcome) -> None:
                outcomes[outcome.unit] = outcome
                ctx.progress.advance("concepts")
                if index + 1 < len(brand.segments):
                    send(angle, index + 1, [*used, *outcome.result.get("first_hooks", [])])

            self._send(ctx, outstanding, "concept", payload.unit, cid, CONCEPT_TASK,
                       payload.model_dump(mode="json"), then)

        for angle in angles:
            if brand.segments:
                send(angle, 0, [])
        await self._gather(ctx, "concept", outstanding)
        with ctx.factory() as session:
            units = []
            for name in names:
                result = outcomes[name].result
                concept = concept_store.get_concept(session, result["concept_id"])
                if concept is None:
                    raise UnitFailed(f"unit {name}: done, but concept {result['concept_id']} is not in the store")
                units.append(Unit(concept, bool(result.get("first_draft_failed")), int(result.get("attempts", 0)),
                                  bool(result.get("reused"))))
        return units

    # ------------------------------------------------------------------ render

    async def render(self, ctx: RunContext, render_assets: RenderFn, concepts: list[Concept], brand: BrandObject,
                     out_dir: Path, brand_dir: Path) -> tuple[dict[str, list[Asset]], list[str]]:
        """One task per approved concept; the brand's files (logo, fonts, photos) are published to the run
        folder first, so no worker needs the brand folder."""
        from adloom.pipeline.render import RenderFailure, RenderOutcome, write_manifest

        approved = [c for c in concepts if c.status == "approved" and c.draft is not None]
        ctx.progress.stage("render", total=len(approved))
        run_dir = relative(out_dir, self.outputs.root)
        brand_rel = f"{run_dir}/_brand"
        self.outputs.publish(brand_dir, brand_rel)
        order = [c.id for c in concepts]
        outstanding: dict[str, _Sent] = {}
        results: dict[str, dict[str, Any]] = {}

        def then(outcome: unit_store.Outcome) -> None:
            results[outcome.unit] = outcome.result
            ctx.progress.advance("render")

        for concept in approved:
            key = content_hash({"run_dir": run_dir, "concept": concept_digest(concept), "order": order,
                                "platforms": list(ctx.options.platforms), "generators": self.generators}, length=32)
            payload = RenderUnit(run_id=ctx.run_id, unit=concept.id, key=key, brand=brand, order=order,
                                 out_dir=run_dir, brand_dir=brand_rel, platforms=list(ctx.options.platforms),
                                 generators=self.generators)
            self._send(ctx, outstanding, "render", concept.id, key, RENDER_TASK, payload.model_dump(mode="json"),
                       then)
        await self._gather(ctx, "render", outstanding)
        outcome = RenderOutcome()
        for concept in approved:
            part = results[concept.id]
            outcome.assets += [Asset.model_validate(a) for a in part.get("assets", [])]
            outcome.errors += [RenderFailure(**e) for e in part.get("errors", [])]
            outcome.findings.update({k: [Finding.model_validate(f) for f in v]
                                     for k, v in part.get("findings", {}).items()})
            outcome.changed += part.get("changed", [])
            outcome.keys.update(part.get("keys", {}))
        outcome.assets.sort(key=lambda a: a.path)
        write_manifest(out_dir / "assets" / MANIFEST, outcome, outcome.keys)
        return outcome.by_concept(), outcome.messages()

    # ------------------------------------------------------------------ export

    async def exports(self, ctx: RunContext, job: ExportJob) -> dict[str, Path]:
        """The export on a worker; then the run's task events are counted into its summary (which the driver
        stores with the finished run)."""
        run_dir = relative(job.out_dir, self.outputs.root)
        ids = [c.id for c in job.concepts]
        assets = [a for items in job.assets.values() for a in items]
        key = content_hash({"run": ctx.run_id, "concepts": ids, "summary": job.summary.model_dump(mode="json")},
                           length=32)
        payload = ExportUnit(run_id=ctx.run_id, key=key, brand=job.brand, campaign=job.campaign, summary=job.summary,
                             concept_ids=ids, assets=assets, out_dir=run_dir)
        results: list[dict[str, Any]] = []
        outstanding: dict[str, _Sent] = {}
        self._send(ctx, outstanding, "export", "export", key, EXPORT_TASK, payload.model_dump(mode="json"),
                   lambda outcome: results.append(outcome.result))
        await self._gather(ctx, "export", outstanding)
        with ctx.factory() as session:
            job.summary.executor = "celery"
            job.summary.tasks = unit_store.task_counts(unit_store.for_run(session, ctx.run_id))
        return {name: self.outputs.root / rel for name, rel in results[0]["outputs"].items()}

    # ------------------------------------------------------------------ sending and gathering

    def _send(self, ctx: RunContext, outstanding: dict[str, _Sent], kind: str, unit: str, key: str, task: str,
              payload: dict[str, Any], then: Callable[[unit_store.Outcome], None] | None) -> None:
        _write(ctx, lambda session: unit_store.sent(session, ctx.run_id, kind, unit, key))
        # the task id is the unit's content key: a copy sent again is the same unit, done once
        self.app.send_task(task, args=[payload], task_id=key, queue=QUEUES[task])
        outstanding[unit] = _Sent(key, task, payload, time.monotonic(), then)

    async def _gather(self, ctx: RunContext, kind: str, outstanding: dict[str, _Sent]) -> None:
        """Until every unit sent (and every unit their results send) is done; a failed one stops the run."""
        if self._broker[1] is None:
            self._broker = (time.monotonic(), self.broker_id())
        while outstanding:
            await asyncio.sleep(self.poll)
            try:
                with ctx.factory() as session:
                    finished = unit_store.finished(session, ctx.run_id, kind, list(outstanding))
            except OperationalError as exc:      # the store restarting or our connection cut: ask again
                log.warning("store unavailable while gathering: %s", str(exc.orig).strip()[:200])
                continue
            for outcome in finished:
                sent = outstanding.pop(outcome.unit)
                if outcome.status == "failed":     # the run is resumable: the same command sends it again
                    ctx.mark_interrupted()
                    raise UnitFailed(f"{kind} unit {outcome.unit} failed on a worker: {outcome.error}; run the "
                                     "same command again to retry it")
                if sent.then is not None:
                    sent.then(outcome)
            restarted = self._broker_restarted()
            now = time.monotonic()
            for unit, sent in list(outstanding.items()):
                if restarted or now - sent.at > self.resend_after:
                    log.warning("unit %s not finished %.0f s after it was sent%s: sending it again", unit,
                                now - sent.at, " and the broker restarted" if restarted else "")
                    self._send(ctx, outstanding, kind, unit, sent.key, sent.task, sent.payload, sent.then)


def _write(ctx: RunContext, write: Callable[[Session], None], attempts: int = 10) -> None:
    """A short transaction that survives a dropped connection: attempted again, a second apart."""
    for attempt in range(attempts):
        try:
            with transaction(ctx.factory) as session:
                write(session)
            return
        except OperationalError:
            if attempt == attempts - 1:
                raise
            time.sleep(1.0)


def _changed(base: Constraints, tuned: Constraints) -> dict[str, Any]:
    """The fields the allocation changed (the worker applies them to every attempt's constraints)."""
    before, after = base.model_dump(mode="json"), tuned.model_dump(mode="json")
    return {k: v for k, v in after.items() if before.get(k) != v}
