"""The driver: wires the stages top to bottom and injects every side effect (store, writer, audit, files).

    ingest -> brand -> angles -> concepts (write, govern, regenerate) -> dedupe -> render -> export

Every finished unit of work is committed as it completes, so an interrupted run reruns and finishes. A
rerun whose inputs are all unchanged (same fingerprint) reuses the earlier run's outputs when they are
still on disk and unmodified; ``force`` runs anyway, and then reuses every stored concept instead.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

import adloom
from adloom.audit import DEFAULT_REDACTOR, AuditLog, Lineage, NewEvent, kinds, prune_payloads, write_anchor
from adloom.audit.checkpoint import Checkpointer
from adloom.audit.lineage import lineage_of_each
from adloom.brand.gaps import missing as brand_gaps
from adloom.brand.resolve import resolve_brand, write_brand
from adloom.errors import WriterError
from adloom.feedback import allocation, similar
from adloom.feedback import report as feedback_report
from adloom.feedback.options import FeedbackOptions
from adloom.governance.constraints import constraints_for
from adloom.governance.embeddings import CachedEmbedder, default_embedder
from adloom.governance.fit import BrandProfile
from adloom.governance.governor import Governor
from adloom.governance.metrics import governance_metrics
from adloom.governance.packs import PackSet, load_packs
from adloom.governance.substantiation import Substantiator
from adloom.ingest.fetch import FetchOptions
from adloom.pipeline import angles as angles_stage
from adloom.pipeline import brand as brand_stage
from adloom.pipeline import dedupe, export, ingest
from adloom.pipeline.background import EmbedBatcher, FilesBehind, background_priority, frozen_heap, meanwhile
from adloom.pipeline.calls import layered as wrap
from adloom.pipeline.calls import load_usage
from adloom.pipeline.events import asset_events, brand_version_event, export_event
from adloom.pipeline.export import ExportsAhead
from adloom.pipeline.fanout import fill_counts, governed_units
from adloom.platforms import Platform
from adloom.render.photos import missing_assets
from adloom.store import brands as brand_store
from adloom.store import concepts as concept_store
from adloom.store import patterns as pattern_store
from adloom.store import runs as run_store
from adloom.store.db import transaction
from adloom.types import (
    Asset,
    BrandObject,
    Campaign,
    Concept,
    IngestWarning,
    Pattern,
    RunSummary,
    Verdict,
    content_hash,
    sha256_file,
)
from adloom.writers.base import ConceptTask, Writer
from adloom.writers.pricing import PriceTable
from adloom.writers.tasks import AnglesTask, BrandTask, RewriteTask, supports
from adloom.writers.verify import apply_second_opinion, second_opinion


class Progress(Protocol):
    """What the driver reports; the CLI shows it with Rich, tests ignore it."""

    def stage(self, name: str, total: int | None = None) -> None: ...
    def advance(self, name: str, n: int = 1) -> None: ...


class NoProgress:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, name: str, n: int = 1) -> None:
        pass


class RenderFn(Protocol):
    async def __call__(self, concepts: list[Concept], brand: BrandObject, out_dir: Path, brand_dir: Path,
                       platforms: list[Platform], progress: Progress) -> tuple[dict[str, list[Asset]], list[str]]:
        ...


@dataclass
class RunOptions:
    platforms: list[Platform] = field(default_factory=lambda: ["meta", "google", "tiktok"])
    n_angles: int = 5
    hooks_per_concept: int = 5
    max_attempts: int = 3
    concurrency: int = 8
    render: bool = True
    force: bool = False                    # run even when nothing changed since an earlier run
    fetch: FetchOptions = field(default_factory=FetchOptions)
    writer_retries: int = 4
    writer_rpm: float | None = None
    writer_tpm: float | None = None
    prices: PriceTable | None = None
    verify_writer: Writer | None = None    # second opinion on approved concepts
    audit_redact: bool = True
    audit_retention_days: float | None = None
    audit_anchor: Path | None = None       # written after the run so a truncated log is detectable
    audit_checkpoint: Checkpointer | None = None   # the store-keyed, signed, witnessed anchor (wins over the above)
    project_dir: Path | None = None        # the user's rule packs (PROJECT/packs/) override the defaults
    cache_dir: Path | None = None          # embeddings persist here across runs
    feedback: FeedbackOptions = field(default_factory=FeedbackOptions)   # the allocation's exploration share

    def fingerprint_fields(self) -> dict[str, object]:
        return {"platforms": self.platforms, "angles": self.n_angles, "hooks": self.hooks_per_concept,
                "attempts": self.max_attempts, "render": self.render,
                "verify": self.verify_writer.id if self.verify_writer else None,
                "exploration": self.feedback.exploration}


@dataclass
class RunResult:
    summary: RunSummary
    out_dir: Path
    brand: BrandObject
    concepts: list[Concept]
    verdicts: dict[str, list[Verdict]]
    outputs: dict[str, Path]


class _Timer:
    def __init__(self, summary: RunSummary) -> None:
        self.summary = summary

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.summary.stage_seconds[stage] = round(time.perf_counter() - start, 4)


@dataclass
class _Live:
    """The run as the store knows it, for whoever must close it: set once its row is written."""

    on_start: Callable[[str, Path], None] | None = None
    run_id: str | None = None

    def started(self, run_id: str, out_dir: Path) -> None:
        self.run_id = run_id
        if self.on_start is not None:
            self.on_start(run_id, out_dir)


async def run(folder: Path, *, factory: sessionmaker[Session], writer: Writer, campaign: Campaign,
              out_root: Path, options: RunOptions | None = None, progress: Progress | None = None,
              render_assets: RenderFn | None = None,
              on_start: Callable[[str, Path], None] | None = None) -> RunResult:
    """``on_start`` hears the run id and its output folder once the run is recorded (a resumed run keeps both).

    Cancelled (Ctrl-C) or interrupted, the run is marked ``interrupted`` and the cancellation goes on; the
    next run of the same inputs resumes it under the same id, keeping every finished concept and asset."""
    live = _Live(on_start)
    with frozen_heap():
        files = FilesBehind()
        try:
            return await _run(folder, factory=factory, writer=writer, campaign=campaign, out_root=out_root,
                              options=options, progress=progress, render_assets=render_assets, files=files,
                              live=live)
        except (asyncio.CancelledError, KeyboardInterrupt):
            if live.run_id is not None:
                _mark_interrupted(factory, live.run_id)
            raise
        finally:
            await files.drain()


async def _run(folder: Path, *, factory: sessionmaker[Session], writer: Writer, campaign: Campaign,
               out_root: Path, options: RunOptions | None, progress: Progress | None,
               render_assets: RenderFn | None, files: FilesBehind, live: _Live) -> RunResult:
    options = options or RunOptions()
    progress = progress or NoProgress()
    audit = AuditLog(factory, redact=DEFAULT_REDACTOR if options.audit_redact else None)
    started = datetime.now(UTC)
    run_id = f"{started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
    wrap_for = partial(wrap, writer, factory=factory, prices=options.prices, rpm=options.writer_rpm,
                       tpm=options.writer_tpm, retries=options.writer_retries, cache=not writer.offline)
    writer = wrap_for(run_id=run_id)

    progress.stage("ingest")
    ingested = await ingest.documents(folder, fetch=options.fetch)
    resolved = resolve_brand(folder, ingested.documents, save=False)    # a fresh extraction: saved below
    brand = resolved.brand
    extracted = resolved.status in ("extracted", "re-extracted")
    loop = asyncio.get_running_loop()
    warm_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adloom-warm", initializer=background_priority)
    warming: list[asyncio.Future[_Warm]] = []
    loading: list[asyncio.Future[CachedEmbedder]] = []

    def warm_up() -> None:
        # in this order on the one warm-up thread: the packs are needed before the first concept is
        # written, the sentence model only at the first verdict, a model call later
        warming.append(loop.run_in_executor(warm_pool, partial(_warm_up, brand, options, writer)))
        loading.append(loop.run_in_executor(warm_pool, partial(_warm_embedder, brand, options)))

    patterns: list[Pattern] = []

    def pattern_library() -> None:
        """The winners' library (the angle ranking and the fingerprint read it): the brand does not change it."""
        if not patterns:
            with transaction(factory) as session:
                pattern_store.ensure_priors(session)
                patterns.extend(pattern_store.load_patterns(session, brand.slug, others=False))
                if options.feedback.cross_brand:     # what worked for similar brands, shrunk by similarity
                    patterns.extend(similar.borrowed_for(session, brand, default_embedder(options.cache_dir)))

    to_save: BrandObject | None = brand if extracted else None    # brand.yaml, written behind the run
    if extracted and supports(writer, BrandTask):
        # a model reads the brand now: save the offline extraction and warm up while it thinks
        try:
            brand = await meanwhile(brand_stage.refined_brand(brand, ingested.documents, writer=writer),
                                     partial(files.submit, write_brand, folder, brand), warm_up, pattern_library)
            to_save = brand     # saved while the model picks the angles
        except WriterError as exc:    # the model's reading is optional: the offline extraction stands
            ingested.warnings.append(IngestWarning(file="brand.yaml", message=f"model brand extraction failed, "
                                                   f"kept the offline extraction: {exc}"))
            to_save = None
    version = brand.version()
    # what thin material leaves out and which images are missing: said in the run and its report
    ingested.warnings += [IngestWarning(file="brand.yaml", message=gap) for gap in brand_gaps(brand)]
    ingested.warnings += [IngestWarning(file="assets/", message=m) for m in missing_assets(folder, brand.brand_kit)]
    summary = RunSummary(run_id=run_id, brand_slug=brand.slug, brand_version=version, writer_id=writer.id,
                         started_at=started, documents=len(ingested.documents), warnings=ingested.warnings,
                         flagged_inputs=ingested.flagged, campaign=campaign)
    timer = _Timer(summary)
    summary.stage_seconds["ingest+brand"] = round((datetime.now(UTC) - started).total_seconds(), 4)

    pattern_library()       # read while the model read the brand, if one did
    # the rule packs in force: a broken pack with no last good version stops the run here (PackError);
    # one replaced by its last good version is said in the summary, and the policy is part of the fingerprint
    policy = load_packs(options.project_dir, brand)
    summary.warnings += [problem.warning() for problem in policy.problems]
    with transaction(factory) as session:
        summary.fingerprint = _fingerprint(version, campaign, options, writer, patterns, policy.version)
        earlier = None if options.force else concept_store.reusable_run(session, brand.slug, summary.fingerprint)
        resumed = (None if earlier is not None or options.force
                   else run_store.interrupted_run(session, brand.slug, summary.fingerprint))
    if resumed is not None:     # these inputs' interrupted run: finished under its own id, in its own folder
        run_id = summary.run_id = resumed.id
        writer = wrap_for(run_id=run_id)
    out_dir = Path(resumed.out_dir) if resumed is not None else out_root / brand.slug / run_id

    def record_start() -> None:
        """The brand version and the start (or reuse) of the run; for a model writer, stored while the
        model picks the angles: nothing before the concepts reads them."""
        with transaction(factory) as session:
            if brand_store.record_version(session, brand, [d.id for d in ingested.documents]):
                audit.append_many_in(session, [brand_version_event(brand, version, resolved.status,
                                                                   ingested.documents)])
            if earlier is not None:
                audit.append_in(session, kinds.RUN_REUSED, earlier.run_id, "system",
                                {"fingerprint": summary.fingerprint})
            elif resumed is not None:
                run_store.mark_resumed(session, run_id)
                audit.append_in(session, kinds.RUN_RESUMED, run_id, "system", {"fingerprint": summary.fingerprint})
            else:
                concept_store.start_run(session, summary, str(out_dir))
                audit.append_in(session, kinds.RUN_STARTED, run_id, "system",
                                {"brand_version": version, "writer": writer.id, "campaign": campaign.model_dump()})
        if earlier is None:
            live.started(run_id, out_dir)

    jobs: list[Callable[[], object]] = [] if to_save is None else [partial(files.submit, write_brand, folder, to_save)]
    if earlier is not None:
        for job in [*jobs, record_start]:
            job()
        warm_pool.shutdown(wait=False)
        _finish_audit(factory, options)
        return _reused(factory, earlier, brand, summary.warnings)

    with timer("angles"):   # the angle pick (a model call for model writers) overlaps with the warm-up
        picking = angles_stage.chosen_angles(brand, patterns, n=options.n_angles, writer=writer)
        jobs += [*([] if warming else [warm_up]), record_start]
        if supports(writer, AnglesTask):
            chosen = await meanwhile(picking, *jobs)
        else:
            for job in jobs:
                job()
            chosen = await picking
    summary.angles = [a.id for a in chosen]
    plan = allocation.plan(brand.slug, chosen, brand.segments, patterns, exploration=options.feedback.exploration,
                           hooks_per_concept=options.hooks_per_concept)
    summary.allocation = plan.summary()

    with timer("governance"):   # rule packs compiled or loaded: once, before the first concept is written
        warm = await warming[0]
        packs = warm.packs if warm.pack_terms == _pack_terms(brand) else policy
    embed_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adloom-embed", initializer=background_priority)

    async def governance() -> tuple[Governor, EmbedBatcher]:
        """Built when the first draft needs it (the sentence model may still be loading while the first
        concepts are written), on the event loop's thread: regorus may only run on the thread that made it."""
        embedder = await loading[0]
        governor = Governor.build(brand, campaign, project_dir=options.project_dir, embedder=embedder, packs=packs)
        # the sentence model releases the GIL: drafts' texts are embedded on a worker thread (drafts that
        # arrive together in one call) while the loop keeps writing; the verdict then finds them cached
        return governor, EmbedBatcher(embedder, embed_pool)

    governing: list[asyncio.Task[tuple[Governor, EmbedBatcher]]] = []     # one, made by the first check

    async def check(concept: Concept) -> Verdict:
        if not governing:
            governing.append(asyncio.ensure_future(governance()))
        governor, batcher = await governing[0]
        await batcher.embed(governor.embedding_texts([concept]))
        return governor.verdict(concept, max_attempts=options.max_attempts)

    # each stored concept's export parts are made while the model writes the others; not when rendering
    # or a second opinion will change every card anyway
    ahead = (ExportsAhead(factory, brand, out_dir)
             if options.verify_writer is None and not (options.render and render_assets is not None) else None)
    progress.stage("concepts", total=len(chosen) * len(brand.segments))
    try:
        with timer("concepts"):
            units = await governed_units(
                brand, chosen, writer=writer, max_attempts=options.max_attempts, concurrency=options.concurrency,
                check=check, factory=factory, audit=audit, advance=lambda: progress.advance("concepts"),
                limits=lambda previous: constraints_for(brand, campaign, previous=previous, packs=packs,
                                                        hooks_per_concept=options.hooks_per_concept),
                on_stored=ahead.prepare if ahead is not None else None, tune=plan.tune)
    finally:
        embed_pool.shutdown(wait=False)
        warm_pool.shutdown(wait=False)

    (await loading[0]).save()
    as_stored = {u.concept.id: u.concept for u in units}
    with timer("dedupe"):   # governance judges what ships: a concept dedupe changed is judged again
        concepts, summary.suppressed_duplicates = dedupe.suppress_near_duplicates([u.concept for u in units])
        concepts, rejudged = await dedupe.judged_again(concepts, as_stored, check)
    if options.verify_writer is not None:
        with timer("verify"):
            concepts = await _second_opinions(concepts, brand, campaign, options.verify_writer, factory, run_id,
                                              audit)
    with transaction(factory) as session:
        for concept in concepts:
            if concept.id in rejudged:
                concept_store.save_concept(session, concept, [rejudged[concept.id]])
            elif concept is not as_stored.get(concept.id):    # changed since it was stored: verify
                concept_store.update_concept_payload(session, concept)
        audit.append_many_in(session, dedupe.verdict_events(rejudged.values()))
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])

    assets: dict[str, list[Asset]] = {}
    if options.render and render_assets is not None:
        with timer("render"):
            assets, summary.render_errors = await render_assets(concepts, brand, out_dir, folder,
                                                                options.platforms, progress)
        summary.assets = [a for items in assets.values() for a in items]
        audit.append_many(asset_events(assets))

    fill_counts(summary, concepts, units)
    summary.governance = governance_metrics(verdicts.values()).model_dump(exclude={"concepts", "verdicts"})
    summary.writer_usage = load_usage(factory, run_id)
    summary.finished_at = datetime.now(UTC)
    progress.stage("export")
    with timer("export"):
        made = ahead.current(concepts, verdicts, assets) if ahead is not None else {}
        lineage = lineages_of(factory, [c for c in concepts if c.id not in made])
        outputs = export.exports(concepts, verdicts, brand, campaign, summary, out_dir, assets=assets,
                                 lineage=lineage, ahead=made, sections=feedback_report.sections(summary))
    summary.outputs = {k: str(v) for k, v in outputs.items()}
    summary.output_hashes = {k: sha256_file(v) for k, v in outputs.items()}
    with transaction(factory) as session:
        audit.append_many_in(session, [export_event(run_id, name, path, concepts, brand)
                                       for name, path in outputs.items()])
        concept_store.finish_run(session, summary, [c.id for c in concepts], {u.concept.id for u in units if u.reused})
        audit.append_in(session, kinds.RUN_FINISHED, run_id, "system", {"by_status": summary.by_status})
    _finish_audit(factory, options)
    return RunResult(summary, out_dir, brand, concepts, verdicts, outputs)


@dataclass
class _Warm:
    packs: PackSet
    pack_terms: tuple[tuple[str, ...], tuple[str, ...]]


def _pack_terms(brand: BrandObject) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(brand.avoid), tuple(brand.competitors)


def _warm_up(brand: BrandObject, options: RunOptions, writer: Writer) -> _Warm:
    """One-time work done on a worker thread while a model thinks: the writer's prompts for the calls to
    come and the compiled rule packs."""
    with suppress(Exception):   # only a head start: the same work fails again, and is reported, at the call
        writer.prepare((AnglesTask, ConceptTask, RewriteTask))
    packs = load_packs(options.project_dir, brand)
    packs.matcher           # noqa: B018 - compiled (or loaded from disk) here, not in the first verdict
    return _Warm(packs, _pack_terms(brand))


def _warm_embedder(brand: BrandObject, options: RunOptions) -> CachedEmbedder:
    """The slow, thread-safe part of building governance: the sentence model and the brand's reference
    embeddings (left in the embedder's cache)."""
    embedder = default_embedder(options.cache_dir)
    BrandProfile(brand, embedder)
    Substantiator(brand, embedder)
    return embedder


def _fingerprint(version: str, campaign: Campaign, options: RunOptions, writer: Writer,
                 patterns: list[Pattern], policy: str) -> str:
    """Everything a run's outputs depend on; the same fingerprint means the same outputs."""
    return content_hash({"adloom": adloom.__version__, "brand": version, "campaign": campaign.model_dump(mode="json"),
                         "options": options.fingerprint_fields(), "writer": writer.id,
                         "patterns": [p.model_dump(mode="json") for p in patterns], "packs": policy}, length=32)


def _reused(factory: sessionmaker[Session], earlier: RunSummary, brand: BrandObject,
            warnings: list[IngestWarning]) -> RunResult:
    """The earlier run's outputs stand; the warnings are this invocation's (a pack refused now is said now)."""
    with factory() as session:
        concepts = concept_store.run_concepts(session, earlier.run_id)
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])
    summary = earlier.model_copy(update={"reused_run": earlier.run_id, "warnings": warnings})
    outputs = {k: Path(v) for k, v in earlier.outputs.items()}
    return RunResult(summary, outputs["report"].parent, brand, concepts, verdicts, outputs)


def _mark_interrupted(factory: sessionmaker[Session], run_id: str) -> None:
    """Best effort on the way out of a Ctrl-C: the run row says interrupted, the chain says when."""
    with suppress(Exception), transaction(factory) as session:
        if run_store.mark_interrupted(session, run_id):
            AuditLog(factory).append_in(session, kinds.RUN_INTERRUPTED, run_id, "system", {})


def _finish_audit(factory: sessionmaker[Session], options: RunOptions) -> None:
    if options.audit_retention_days is not None:
        prune_payloads(factory, options.audit_retention_days)
    if options.audit_checkpoint is not None:
        options.audit_checkpoint.write(factory)
    elif options.audit_anchor is not None:
        write_anchor(factory, options.audit_anchor)


async def _second_opinions(concepts: list[Concept], brand: BrandObject, campaign: Campaign, reviewer: Writer,
                           factory: sessionmaker[Session], run_id: str, audit: AuditLog) -> list[Concept]:
    """A second model reviews each approved concept; a disagreement sends it to the human desk."""
    reviewer = wrap(reviewer, factory=factory, run_id=run_id)
    out = []
    for concept in concepts:
        finding = await second_opinion(concept, brand=brand, campaign=campaign, writer=reviewer)
        if finding is not None:
            audit.append_many([NewEvent(kinds.VERDICT_RECORDED, concept.id, reviewer.id, {
                "attempt": concept.attempt, "route": "review", "checks": {"second_opinion": reviewer.id},
                "findings": [finding.model_dump(mode="json")], "scores": {}})])
        out.append(apply_second_opinion(concept, finding))
    return out


def lineages_of(factory: sessionmaker[Session], concepts: list[Concept]) -> dict[str, Lineage]:
    """Each concept's decision path so far, from the audit log, for the report."""
    return lineage_of_each(factory, [c.id for c in concepts])
