"""Cross-cutting behaviour as writers around a writer: cache, retries, rate limits, call records.

    wrap(writer, factory=...)  ==  CachedWriter(RetryingWriter(RateLimitedWriter(RecordingWriter(writer))))

Outermost first: a cache hit costs nothing and waits for nothing; each retry is its own attempt, waits
for the rate limiter, and is its own stored row (so a 429 then a success is two rows); the recorder sits
next to the model so latency is the call's own, not time spent queueing. Every wrapper keeps the inner
writer's ``id``, so concept ids and cache keys do not change when wrappers are added.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from adloom.errors import WriterError
from adloom.store.db import transaction
from adloom.store.tables import WriterCacheRow, WriterCallRow
from adloom.writers.base import OutT, Task, Writer
from adloom.writers.pricing import PriceTable
from adloom.writers.prompts import source_hash
from adloom.writers.structured import capture, retry_after_of
from adloom.writers.tasks import unwrap

__all__ = ["CachedWriter", "CallRecorder", "HeldRows", "RateLimitedWriter", "RecordingWriter", "RetryingWriter",
           "TokenBucket", "cache_key", "wrap"]


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


class _Wrapper(Writer):
    def __init__(self, inner: Writer) -> None:
        self.inner = inner
        self.id = inner.id
        self.model = getattr(inner, "model", None)

    def prepare(self, task_types: Iterable[type[Task[Any]]]) -> None:
        self.inner.prepare(task_types)


# ---------------------------------------------------------------- records


class HeldRows:
    """Call records and cache rows a run holds back while replies are arriving, written together by
    ``write()`` when the run has a moment (the driver: once the drafts in hand are embedded).

    Storing them as each reply arrives costs the event loop a transaction each, ahead of the next
    request of that chain and of every reply queued behind it. Until written, a held cache row still
    answers its key. The driver writes whatever is held when the run ends, however it ends.
    """

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory
        self._rows: list[WriterCallRow | WriterCacheRow] = []
        self._cached: dict[str, Any] = {}

    def add(self, row: WriterCallRow | WriterCacheRow) -> None:
        self._rows.append(row)
        if isinstance(row, WriterCacheRow):
            self._cached[row.key] = row.payload

    def cached(self, key: str) -> Any:
        """The payload of a held cache row, or None."""
        return self._cached.get(key)

    def write(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        try:
            with transaction(self.factory) as session:
                session.add_all(rows)
        except IntegrityError:      # a duplicate cache row in the batch: one at a time, as unheld rows go
            for row in rows:
                _store(self.factory, None, row)
        self._cached.clear()


def _store(factory: sessionmaker[Session], held: HeldRows | None, row: WriterCallRow | WriterCacheRow) -> None:
    """Hold ``row`` for its owner, or write it now. A cache row another run stored meanwhile (the same task:
    the same output by construction) is skipped; any other failure is raised."""
    if held is not None:
        held.add(row)
        return
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
    held: HeldRows | None = None        # rows wait here for the driver to write them, when given

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
        _store(self.factory, self.held, row)


# The cache key of the task being run, set by the cache wrapper for the wrappers inside it (the key is
# the same for all of them: same writer id and parameters), so the recorder need not hash the task again.
_KEY: ContextVar[tuple[Task[Any], str] | None] = ContextVar("adloom_writer_cache_key", default=None)


class RecordingWriter(_Wrapper):
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


# ---------------------------------------------------------------- cache


class CachedWriter(_Wrapper):
    """Content-addressed outputs in the store: an unchanged task is answered without a model call."""

    def __init__(self, inner: Writer, factory: sessionmaker[Session], recorder: CallRecorder | None = None,
                 held: HeldRows | None = None) -> None:
        super().__init__(inner)
        self.factory = factory
        self.recorder = recorder
        self.held = held
        self.hits = 0

    async def run(self, task: Task[OutT]) -> OutT:
        key = cache_key(self.inner, task)
        start = time.perf_counter()
        payload = self.held.cached(key) if self.held is not None else None
        if payload is None:
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
        _store(self.factory, self.held, WriterCacheRow(
            key=key, writer_id=self.id, template=task.template, output_type=type(output).__name__,
            created_at=datetime.now(UTC), payload=output.model_dump(mode="json")))
        return output


# ---------------------------------------------------------------- retries


Sleep = Callable[[float], Awaitable[None]]


class RetryingWriter(_Wrapper):
    """Retry what can succeed on retry (429, 5xx, timeouts, dropped connections) with exponential backoff
    and full jitter, waiting at least what ``Retry-After`` asks; give up with the last reason."""

    def __init__(self, inner: Writer, *, attempts: int = 4, base_delay: float = 0.5, max_delay: float = 30.0,
                 max_retry_after: float = 120.0, sleep: Sleep = asyncio.sleep,
                 rng: random.Random | None = None) -> None:
        super().__init__(inner)
        self.attempts = max(1, attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.delays: list[float] = []       # what was waited, for tests and the record

    def delay(self, attempt: int, exc: BaseException) -> float:
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        jittered = backoff * (0.5 + self.rng.random() / 2)    # never zero, never a thundering herd
        retry_after = retry_after_of(exc)
        return max(jittered, retry_after) if retry_after is not None else jittered

    async def run(self, task: Task[OutT]) -> OutT:
        for attempt in range(1, self.attempts + 1):
            try:
                return await self.inner.run(task)
            except WriterError as exc:
                if not exc.retryable or attempt == self.attempts:
                    if exc.retryable:
                        raise type(exc)(f"gave up after {attempt} attempts: {exc.message}") from exc
                    raise
                wait = self.delay(attempt, exc)
                if wait > self.max_retry_after:
                    raise type(exc)(f"provider asks to wait {wait:.0f}s, more than the "
                                    f"{self.max_retry_after:.0f}s allowed: {exc.message}") from exc
                self.delays.append(wait)
                await self.sleep(wait)
        raise AssertionError("unreachable")


# ---------------------------------------------------------------- rate limits


class TokenBucket:
    """``rate`` units per minute, bursting up to ``capacity``; the balance may go negative when a call
    turns out to cost more than estimated, which delays the next ones."""

    def __init__(self, per_minute: float, capacity: float | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.rate = per_minute / 60.0
        self.capacity = capacity if capacity is not None else per_minute
        self.tokens = self.capacity
        self.clock = clock
        self.sleep = sleep
        self.updated = clock()
        self.lock = asyncio.Lock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    async def acquire(self, amount: float = 1.0) -> None:
        amount = min(amount, self.capacity)     # a request bigger than the bucket waits for a full one
        async with self.lock:                   # first come, first served
            self._refill()
            while self.tokens < amount:
                await self.sleep((amount - self.tokens) / self.rate)
                self._refill()
            self.tokens -= amount

    def adjust(self, amount: float) -> None:
        """Charge (positive) or refund (negative) after the fact."""
        self._refill()
        self.tokens -= amount


class RateLimitedWriter(_Wrapper):
    """Requests-per-minute and tokens-per-minute buckets, and a cap on calls in flight.

    Tokens are estimated before the call (prompt characters / 4 + ``expected_output_tokens``) and
    reconciled with the reported usage after it. Share one instance per provider to share its limits.
    """

    def __init__(self, inner: Writer, *, rpm: float | None = None, tpm: float | None = None,
                 concurrency: int | None = None, expected_output_tokens: int = 1500,
                 clock: Callable[[], float] = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        super().__init__(inner)
        self.requests = TokenBucket(rpm, max(1.0, rpm / 60 * 5), clock, sleep) if rpm else None
        self.tokens = TokenBucket(tpm, tpm, clock, sleep) if tpm else None
        self.slots = asyncio.Semaphore(concurrency) if concurrency else None
        self.expected_output_tokens = expected_output_tokens

    async def run(self, task: Task[OutT]) -> OutT:
        estimate = len(task.model_dump_json()) // 4 + self.expected_output_tokens
        if self.requests is not None:
            await self.requests.acquire(1)
        if self.tokens is not None:
            await self.tokens.acquire(estimate)
        with capture() as exchange:
            try:
                if self.slots is None:
                    return await self.inner.run(task)
                async with self.slots:
                    return await self.inner.run(task)
            finally:
                if self.tokens is not None and (exchange.input_tokens or exchange.output_tokens):
                    self.tokens.adjust(exchange.input_tokens + exchange.output_tokens - estimate)


# ---------------------------------------------------------------- composition


def wrap(writer: Writer, *, factory: sessionmaker[Session], run_id: str | None = None,
         prices: PriceTable | None = None, rpm: float | None = None, tpm: float | None = None,
         concurrency: int | None = None, retries: int = 4, base_delay: float = 0.5, max_delay: float = 30.0,
         cache: bool = True, held: HeldRows | None = None) -> Writer:
    """The writer the driver should use: cached, retried, rate-limited and recorded.

    ``retries`` counts attempts in all (1 = no retry). ``prices`` defaults to the shipped table.
    ``held``: call records and cache rows wait there until its owner writes them (else each is
    written as its call returns).
    """
    recorder = CallRecorder(factory, run_id, prices if prices is not None else PriceTable.load(), held)
    wrapped: Writer = RecordingWriter(writer, recorder)
    if rpm or tpm or concurrency:
        wrapped = RateLimitedWriter(wrapped, rpm=rpm, tpm=tpm, concurrency=concurrency)
    wrapped = RetryingWriter(wrapped, attempts=retries, base_delay=base_delay, max_delay=max_delay)
    if cache:
        wrapped = CachedWriter(wrapped, factory, recorder, held)
    return wrapped
