"""The layers the driver wraps around a writer that need the store: cached outputs, and one stored row per call.

    layered(writer, factory=...) == CachedWriter(RetryingWriter(RateLimitedWriter(RecordingWriter(writer))))

(with a shared budget, ``SharedBudgetWriter`` from ``writers.shared_budget`` takes the rate limiter's place.)

Outermost first: a cache hit costs nothing and waits for nothing; each retry is its own attempt, waits for
the rate limiter, and is its own stored row (so a 429 then a success is two rows); the recorder sits next to
the model so latency is the call's own, not time spent queueing. Retries and rate limits are the writers'
own wrappers (``writers.wrappers``): they know nothing of the store, and these know nothing of HTTP. Every
layer keeps the inner writer's ``id``, so concept ids and cache keys do not change when layers are added.
"""

from __future__ import annotations

import hashlib
import json
import time
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adloom.store.db import transaction
from adloom.store.tables import WriterCacheRow, WriterCallRow
from adloom.writers.base import OutT, Task, Writer
from adloom.writers.pricing import CallFigures, PriceTable, usage_by_stage
from adloom.writers.prompts import source_hash
from adloom.writers.structured import capture
from adloom.writers.tasks import unwrap
from adloom.writers.wrappers import RateLimitedWriter, RetryingWriter, WriterLayer

if TYPE_CHECKING:
    from adloom.writers.shared_budget import SharedBudget

__all__ = ["CachedWriter", "CallRecorder", "RecordingWriter", "cache_key", "layered", "load_usage"]


def writer_params(writer: Writer) -> dict[str, Any]:
    params = getattr(unwrap(writer), "params", None)
    return dict(params()) if callable(params) else {}


def cache_key(writer: Writer, task: Task[Any]) -> str:
    """Content address of a call: model id, parameters, prompt template id@version and text, the task."""
    # sorted-key JSON rather than RFC 8785: same stability for our own dumps, a tenth of the cost
    payload = {"writer": writer.id, "params": writer_params(writer), "prompt": source_hash(task.template),
               "task": task.cache_payload()}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                                     default=str).encode()).hexdigest()


def _store(factory: sessionmaker[Session], row: WriterCallRow | WriterCacheRow) -> None:
    """Write ``row``. A cache row another run stored meanwhile (the same task: the same output by
    construction) is skipped; any other failure is raised."""
    try:
        with transaction(factory) as session:
            session.add(row)
    except IntegrityError:
        if not isinstance(row, WriterCacheRow):
            raise


@dataclass
class CallRecorder:
    """Writes one ``WriterCallRow`` per call. Shared by the recording and cache wrappers of one run."""

    factory: sessionmaker[Session]
    run_id: str | None = None
    prices: PriceTable | None = None
    pending: list[WriterCallRow] | None = None     # set: rows are kept here for the caller's transaction

    def record(self, writer_id: str, task: Task[Any], key: str, *, latency_ms: float, cache_hit: bool = False,
               error: str | None = None, exchange: Any = None) -> None:
        tokens_in = exchange.input_tokens if exchange else 0
        tokens_out = exchange.output_tokens if exchange else 0
        cost = self.prices.cost(writer_id, tokens_in, tokens_out) if self.prices else None
        provider, _, model = writer_id.partition(":")
        request: dict[str, Any] = {
            "task": type(task).__name__, "provider": provider, "model": model or None,
            "priced": cost is not None or cache_hit,
            "prompt_hash": exchange.prompt_hash if exchange else None,
            "params": exchange.params if exchange else {},
            "messages": exchange.messages if exchange else [],
        }
        response = ({"replies": exchange.responses, "problems": exchange.problems}
                    if exchange and exchange.responses else None)
        row = WriterCallRow(run_id=self.run_id, cache_key=key, writer_id=writer_id, template=task.template,
                            cache_hit=int(cache_hit), input_tokens=tokens_in, output_tokens=tokens_out,
                            cost=cost or 0.0, latency_ms=round(latency_ms, 2), error=error,
                            created_at=datetime.now(UTC), request=request, response=response)
        if self.pending is not None:    # a queued unit stores its call rows with its results, all or none
            self.pending.append(row)
            return
        _store(self.factory, row)


# The cache key of the task being run, set by the cache wrapper for the wrappers inside it (the key is
# the same for all of them: same writer id and parameters), so the recorder need not hash the task again.
_KEY: ContextVar[tuple[Task[Any], str] | None] = ContextVar("adloom_writer_cache_key", default=None)


class RecordingWriter(WriterLayer):
    """One stored row per call: tokens, cost, latency, the request and every reply, or the error."""

    def __init__(self, inner: Writer, recorder: CallRecorder) -> None:
        super().__init__(inner)
        self.recorder = recorder

    async def run(self, task: Task[OutT]) -> OutT:
        known = _KEY.get()
        key = known[1] if known is not None and known[0] is task else cache_key(self.inner, task)
        start = time.perf_counter()
        with capture() as exchange:
            try:
                output = await self.inner.run(task)
            except Exception as exc:
                self.recorder.record(self.id, task, key, latency_ms=(time.perf_counter() - start) * 1000,
                                     error=f"{type(exc).__name__}: {exc}", exchange=exchange)
                raise
        self.recorder.record(self.id, task, key, latency_ms=(time.perf_counter() - start) * 1000,
                             exchange=exchange)
        return output


class CachedWriter(WriterLayer):
    """Content-addressed outputs in the store: an unchanged task is answered without a model call."""

    def __init__(self, inner: Writer, factory: sessionmaker[Session], recorder: CallRecorder | None = None) -> None:
        super().__init__(inner)
        self.factory = factory
        self.recorder = recorder
        self.hits = 0

    async def run(self, task: Task[OutT]) -> OutT:
        key = cache_key(self.inner, task)
        start = time.perf_counter()
        with self.factory() as session:
            payload = session.scalar(select(WriterCacheRow.payload).where(WriterCacheRow.key == key))
        if payload is not None:
            self.hits += 1
            output: OutT = task.output_type.model_validate(payload)  # type: ignore[assignment]
            if self.recorder is not None:
                self.recorder.record(self.id, task, key, latency_ms=(time.perf_counter() - start) * 1000,
                                     cache_hit=True)
            return output
        token = _KEY.set((task, key))
        try:
            output = await self.inner.run(task)
        finally:
            _KEY.reset(token)
        _store(self.factory, WriterCacheRow(
            key=key, writer_id=self.id, template=task.template, output_type=type(output).__name__,
            created_at=datetime.now(UTC), payload=output.model_dump(mode="json")))
        return output


def layered(writer: Writer, *, factory: sessionmaker[Session], run_id: str | None = None,
            prices: PriceTable | None = None, rpm: float | None = None, tpm: float | None = None,
            concurrency: int | None = None, retries: int = 4, base_delay: float = 0.5, max_delay: float = 30.0,
            cache: bool = True, budget: SharedBudget | None = None, recorder: CallRecorder | None = None) -> Writer:
    """The writer a run uses: cached, retried, rate-limited and recorded.

    ``retries`` counts attempts in all (1 = no retry). ``prices`` defaults to the shipped table. A shared
    ``budget`` (Redis: every worker's calls count against it) replaces the in-process ``rpm``/``tpm``.
    """
    if recorder is None:
        recorder = CallRecorder(factory, run_id, prices if prices is not None else PriceTable.load())
    wrapped: Writer = RecordingWriter(writer, recorder)
    if budget is not None:
        from adloom.writers.shared_budget import SharedBudgetWriter  # needs redis: the scale extra

        wrapped = SharedBudgetWriter(wrapped, budget)
        rpm = tpm = None
    if rpm or tpm or concurrency:
        wrapped = RateLimitedWriter(wrapped, rpm=rpm, tpm=tpm, concurrency=concurrency)
    wrapped = RetryingWriter(wrapped, attempts=retries, base_delay=base_delay, max_delay=max_delay)
    if cache:
        wrapped = CachedWriter(wrapped, factory, recorder)
    return wrapped


def load_usage(factory: sessionmaker[Session], run_id: str) -> dict[str, dict[str, Any]]:
    """The run's usage from its call rows. Only the figures are read: the request and reply bodies (the
    whole prompt and answer of every call) stay in the database; the priced flag is read out of the
    stored request by the database's JSON operator."""
    r = WriterCallRow
    query = select(r.template, r.writer_id, r.cache_hit, r.error.is_not(None), r.input_tokens, r.output_tokens,
                   r.cost, r.latency_ms, r.request["priced"].as_boolean()).where(r.run_id == run_id).order_by(r.id)
    with factory() as session:
        return usage_by_stage(CallFigures(*row) for row in session.execute(query))
