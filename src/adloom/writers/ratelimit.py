"""Rate limits around a writer: requests and tokens per minute with aiolimiter, and a cap on calls in flight.

aiolimiter (a leaky bucket that wakes waiters in order, on the running loop's clock) rather than
``limits``: ``limits`` answers "allowed now?" and leaves the waiting to the caller, which is the part
worth not writing. What aiolimiter cannot do is refund: a call that used fewer tokens than estimated
keeps its estimate charged (conservative); one that used more is charged the difference afterwards.
"""

from __future__ import annotations

import asyncio

from aiolimiter import AsyncLimiter

from adloom.writers.base import OutT, Task, Writer
from adloom.writers.layer import WriterLayer
from adloom.writers.structured import capture

__all__ = ["RateLimitedWriter", "per_minute"]

BURST_SECONDS = 5.0     # requests may come this many seconds' worth at once, then evenly


def per_minute(rate: float, burst_seconds: float = 60.0) -> AsyncLimiter:
    """``rate`` units a minute, of which ``burst_seconds`` worth may be taken at once (at least one unit)."""
    burst = max(1.0, rate * burst_seconds / 60.0)
    return AsyncLimiter(burst, burst * 60.0 / rate)


class RateLimitedWriter(WriterLayer):
    """Requests-per-minute and tokens-per-minute limits, and a cap on calls in flight.

    Tokens are estimated before the call (prompt characters / 4 + ``expected_output_tokens``) and charged
    again with the reported usage beyond the estimate. Share one instance per provider to share its limits.
    """

    def __init__(self, inner: Writer, *, rpm: float | None = None, tpm: float | None = None,
                 concurrency: int | None = None, expected_output_tokens: int = 1500) -> None:
        super().__init__(inner)
        self.requests = per_minute(rpm, BURST_SECONDS) if rpm else None
        self.tokens = per_minute(tpm) if tpm else None
        self.slots = asyncio.Semaphore(concurrency) if concurrency else None
        self.expected_output_tokens = expected_output_tokens

    async def _take(self, limiter: AsyncLimiter, amount: float) -> None:
        await limiter.acquire(min(amount, limiter.max_rate))   # more than the bucket holds: a full bucket

    async def run(self, task: Task[OutT]) -> OutT:
        estimate = len(task.model_dump_json()) // 4 + self.expected_output_tokens
        if self.requests is not None:
            await self._take(self.requests, 1)
        if self.tokens is not None:
            await self._take(self.tokens, estimate)
        with capture() as exchange:
            try:
                if self.slots is None:
                    return await self.inner.run(task)
                async with self.slots:
                    return await self.inner.run(task)
            finally:
                over = exchange.input_tokens + exchange.output_tokens - estimate
                if self.tokens is not None and over > 0:
                    await self._take(self.tokens, over)
