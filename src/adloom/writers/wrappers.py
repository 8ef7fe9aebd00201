"""Cross-cutting behaviour as writers around a writer: retries and rate limits.

Caching and call records need the store, so they are the pipeline's layers (``pipeline.calls``), which
compose these with their own; nothing here knows the tables. Every layer keeps the inner writer's ``id``.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from adloom.errors import WriterError
from adloom.writers.base import OutT, Task, Writer
from adloom.writers.structured import capture, retry_after_of

__all__ = ["RateLimitedWriter", "RetryingWriter", "TokenBucket", "WriterLayer"]


class WriterLayer(Writer):
    """A writer around a writer: keeps the inner one's id, so ids and cache keys do not change."""

    def __init__(self, inner: Writer) -> None:
        self.inner = inner
        self.id = inner.id
        self.model = getattr(inner, "model", None)

    def prepare(self, task_types: Iterable[type[Task[Any]]]) -> None:
        self.inner.prepare(task_types)


# ---------------------------------------------------------------- retries


Sleep = Callable[[float], Awaitable[None]]


class RetryingWriter(WriterLayer):
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


class RateLimitedWriter(WriterLayer):
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
