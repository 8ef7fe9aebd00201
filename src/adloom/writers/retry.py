"""Retries around a writer, with tenacity: exponential backoff with jitter, at least what ``Retry-After`` asks.

tenacity rather than stamina: stamina's hooks are process-global (``set_on_retry_hooks``) and its backoff
cannot see the exception, while a run needs per-writer hooks (what was waited goes on the call record)
and a wait that reads the provider's ``Retry-After``. Neither library reads HTTP headers, so
``parse_retry_after`` stays: ten lines over the standard library's HTTP-date parser.

Each attempt runs the inner writer afresh; a recording wrapper inside this one therefore stores one row
per attempt (a 429 then a success is two rows). ``on_retry`` is tenacity's ``before_sleep`` hook.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
)

from adloom.errors import WriterError
from adloom.writers.base import OutT, Task, Writer
from adloom.writers.layer import WriterLayer

__all__ = ["RetryingWriter", "parse_retry_after", "retry_after_of"]

Sleep = Callable[[float], Awaitable[None]]


def retry_after_of(exc: BaseException | None) -> float | None:
    """The wait a ``RateLimited`` error carries from the provider's ``Retry-After``, if any."""
    value = getattr(exc, "retry_after", None)
    return float(value) if value is not None else None


def parse_retry_after(headers: Mapping[str, str] | None) -> float | None:
    """Seconds from ``retry-after-ms`` (OpenAI's), or ``Retry-After`` in seconds or as an HTTP date."""
    if not headers:
        return None
    for name, scale in (("retry-after-ms", 1000.0), ("retry-after", 1.0)):
        value = headers.get(name)
        if not value:
            continue
        try:
            return max(0.0, float(value) / scale)
        except ValueError:
            pass
        try:
            return max(0.0, (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds())
        except (TypeError, ValueError):
            continue
    return None


class RetryingWriter(WriterLayer):
    """Retry what can succeed on retry (429, 5xx, timeouts, dropped connections) with exponential backoff
    and jitter, waiting at least what ``Retry-After`` asks; give up with the last reason. A wait longer
    than ``max_retry_after`` is not waited: the error is raised at once, saying what was asked."""

    def __init__(self, inner: Writer, *, attempts: int = 4, base_delay: float = 0.5, max_delay: float = 30.0,
                 max_retry_after: float = 120.0, sleep: Sleep = asyncio.sleep,
                 rng: random.Random | None = None,
                 on_retry: Callable[[RetryCallState], None] | None = None) -> None:
        super().__init__(inner)
        self.attempts = max(1, attempts)
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_retry_after = max_retry_after
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.on_retry = on_retry
        self.delays: list[float] = []       # what was waited, for tests and the record

    def _wait(self, state: RetryCallState) -> float:
        backoff = min(self.max_delay, self.base_delay * 2 ** (state.attempt_number - 1))
        jittered = backoff * (0.5 + self.rng.random() / 2)    # never zero, never a thundering herd
        asked = retry_after_of(state.outcome.exception() if state.outcome else None)
        return max(jittered, asked) if asked is not None else jittered

    def _before_sleep(self, state: RetryCallState) -> None:
        wait = state.upcoming_sleep
        if wait > self.max_retry_after:
            exc = state.outcome.exception() if state.outcome else None
            message = exc.message if isinstance(exc, WriterError) else str(exc)
            kind = type(exc) if isinstance(exc, WriterError) else WriterError
            raise kind(f"provider asks to wait {wait:.0f}s, more than the "
                       f"{self.max_retry_after:.0f}s allowed: {message}") from exc
        self.delays.append(wait)
        if self.on_retry is not None:
            self.on_retry(state)

    async def run(self, task: Task[OutT]) -> OutT:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.attempts), wait=self._wait, sleep=self.sleep,
            retry=retry_if_exception(lambda exc: isinstance(exc, WriterError) and exc.retryable),
            before_sleep=self._before_sleep, reraise=True)
        try:
            return await retrying(self.inner.run, task)
        except WriterError as exc:
            tries = retrying.statistics.get("attempt_number", 1)
            if exc.retryable and tries >= self.attempts and not exc.message.startswith("provider asks to wait"):
                raise type(exc)(f"gave up after {tries} attempts: {exc.message}") from exc
            raise
