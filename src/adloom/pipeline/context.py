"""One run's context: its options, its id, the store and audit log, and the writer with its layers.

The cross-cutting concerns live here, not in the driver: the writer a stage receives is already cached,
retried, rate-limited and recorded (``pipeline.calls.layered``), stage times land in the summary through
``timed``, and the run's row is closed as interrupted when it is cut short.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import DEFAULT_REDACTOR, AuditLog, kinds, prune_payloads, write_anchor
from adloom.audit.checkpoint import Checkpointer
from adloom.feedback.options import FeedbackOptions
from adloom.ingest.fetch import FetchOptions
from adloom.pipeline.calls import layered
from adloom.platforms import Platform
from adloom.store import runs as run_store
from adloom.store.db import transaction
from adloom.types import Asset, BrandObject, Concept, RunSummary, Verdict
from adloom.writers.base import Writer
from adloom.writers.pricing import PriceTable

if TYPE_CHECKING:
    from adloom.governance.packs import PackSet
    from adloom.writers.shared_budget import SharedBudget

__all__ = ["NoProgress", "Progress", "RenderFn", "RunContext", "RunOptions", "RunResult"]


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
    writer_budget: SharedBudget | None = None   # RPM/TPM shared by every worker through Redis (wins over the above)
    prices: PriceTable | None = None
    verify_writer: Writer | None = None    # second opinion on approved concepts
    audit_redact: bool = True
    audit_retention_days: float | None = None
    audit_anchor: Path | None = None       # written after the run so a truncated log is detectable
    audit_checkpoint: Checkpointer | None = None   # the store-keyed, signed, witnessed anchor (wins over the above)
    project_dir: Path | None = None        # the user's rule packs (PROJECT/packs/) override the defaults
    packs: PackSet | None = None           # the project's packs as the caller read them (the driver adds the
                                           # brand's); None: read from project_dir
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


@dataclass
class RunContext:
    """What every stage of one run shares. ``writer`` is the layered writer, keyed to ``run_id``."""

    factory: sessionmaker[Session]
    options: RunOptions
    progress: Progress
    audit: AuditLog
    base_writer: Writer
    run_id: str
    started: datetime
    writer: Writer = field(init=False)
    on_start: Callable[[str, Path], None] | None = None
    recorded: bool = False              # the run's row exists: an interruption must close it
    stage_seconds: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.writer = self._layered()

    @classmethod
    def create(cls, factory: sessionmaker[Session], writer: Writer, options: RunOptions, progress: Progress,
               on_start: Callable[[str, Path], None] | None = None) -> RunContext:
        started = datetime.now(UTC)
        audit = AuditLog(factory, redact=DEFAULT_REDACTOR if options.audit_redact else None)
        run_id = f"{started:%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:6]}"
        return cls(factory, options, progress, audit, writer, run_id, started, on_start=on_start)

    def _layered(self) -> Writer:
        o = self.options
        return layered(self.base_writer, factory=self.factory, run_id=self.run_id, prices=o.prices,
                       rpm=o.writer_rpm, tpm=o.writer_tpm, retries=o.writer_retries,
                       cache=not self.base_writer.offline, budget=o.writer_budget)

    def resume_as(self, run_id: str) -> None:
        """Finish an interrupted run under its own id: the writer's call records follow."""
        self.run_id = run_id
        self.writer = self._layered()

    def started_at(self, out_dir: Path) -> None:
        """The run's row is written (or taken over): tell ``on_start``, and close it if cut short."""
        self.recorded = True
        if self.on_start is not None:
            self.on_start(self.run_id, out_dir)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stage_seconds[stage] = round(time.perf_counter() - start, 4)

    def mark_interrupted(self) -> None:
        """Best effort on the way out of a Ctrl-C: the run row says interrupted, the chain says when."""
        if not self.recorded:
            return
        with suppress(Exception), transaction(self.factory) as session:
            if run_store.mark_interrupted(session, self.run_id):
                self.audit.append_in(session, kinds.RUN_INTERRUPTED, self.run_id, "system", {})

    def finish_audit(self) -> None:
        """Retention, then the anchor or checkpoint that makes a truncated log detectable."""
        if self.options.audit_retention_days is not None:
            prune_payloads(self.factory, self.options.audit_retention_days)
        if self.options.audit_checkpoint is not None:
            self.options.audit_checkpoint.write(self.factory)
        elif self.options.audit_anchor is not None:
            write_anchor(self.factory, self.options.audit_anchor)
