"""Retries (tenacity) and rate limits (aiolimiter) around a writer: fake sleeps for waits, the real loop's
clock for the limiter (short periods, so the test takes a fraction of a second)."""

from __future__ import annotations

import asyncio
import random
import time

import pytest

from adloom.errors import ProviderTimeout, WriterError
from adloom.writers.base import ConceptTask
from adloom.writers.fake import FakeWriter, minimal_draft
from adloom.writers.ratelimit import RateLimitedWriter, per_minute
from adloom.writers.retry import RetryingWriter, parse_retry_after
from adloom.writers.structured import current_exchange, rate_limited
from tests.writers_models.in_flight import PeakCountingWriter


def _sleeper(waited: list[float]):  # type: ignore[no-untyped-def]
    async def sleep(seconds: float) -> None:
        waited.append(seconds)
    return sleep


async def test_backoff_is_exponential_with_jitter(concept_task: ConceptTask) -> None:
    waited: list[float] = []
    inner = FakeWriter([ProviderTimeout("t1"), ProviderTimeout("t2"), ProviderTimeout("t3")])
    w = RetryingWriter(inner, attempts=4, base_delay=1.0, max_delay=3.0, sleep=_sleeper(waited),
                       rng=random.Random(1))
    assert (await w.run(concept_task)).hooks
    assert inner.calls == 4 and len(waited) == 3 and w.delays == waited
    for wait, cap in zip(waited, (1.0, 2.0, 3.0), strict=True):
        assert cap / 2 <= wait <= cap


async def test_retry_after_is_waited_at_least(concept_task: ConceptTask) -> None:
    waited: list[float] = []
    hooked: list[int] = []
    inner = FakeWriter([rate_limited("slow down", 7.0)])
    w = RetryingWriter(inner, base_delay=0.1, sleep=_sleeper(waited),
                       on_retry=lambda state: hooked.append(state.attempt_number))
    await w.run(concept_task)
    assert waited == [7.0] and hooked == [1]


async def test_a_longer_retry_after_than_allowed_fails_at_once(concept_task: ConceptTask) -> None:
    waited: list[float] = []
    inner = FakeWriter([rate_limited("slow down", 3600.0)])
    w = RetryingWriter(inner, max_retry_after=120, sleep=_sleeper(waited))
    with pytest.raises(WriterError, match="asks to wait 3600s, more than the 120s allowed: slow down"):
        await w.run(concept_task)
    assert waited == [] and inner.calls == 1


async def test_retries_run_out_with_the_last_reason(concept_task: ConceptTask) -> None:
    inner = FakeWriter([ProviderTimeout(f"t{i}") for i in range(5)])
    with pytest.raises(ProviderTimeout, match="gave up after 3 attempts: t2"):
        await RetryingWriter(inner, attempts=3, sleep=_sleeper([])).run(concept_task)
    assert inner.calls == 3


async def test_non_retryable_errors_are_not_retried(concept_task: ConceptTask) -> None:
    inner = FakeWriter([WriterError("bad key")])
    with pytest.raises(WriterError, match=r"^bad key$"):
        await RetryingWriter(inner, attempts=3, sleep=_sleeper([])).run(concept_task)
    assert inner.calls == 1


def test_retry_after_headers() -> None:
    assert parse_retry_after({"retry-after-ms": "250"}) == 0.25
    assert parse_retry_after({"retry-after": "3"}) == 3.0
    assert parse_retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}) == 0.0
    assert 50 < (parse_retry_after({"retry-after": _http_date(60)}) or 0) <= 60
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({}) is None


def _http_date(seconds_ahead: float) -> str:
    from email.utils import formatdate
    return formatdate(time.time() + seconds_ahead, usegmt=True)


async def test_requests_per_minute_spread_calls(concept_task: ConceptTask) -> None:
    # 600 a minute with one second's burst: ten at once, then one every 0.1 s
    w = RateLimitedWriter(FakeWriter(), rpm=600)
    w.requests = per_minute(600, 1.0)
    start = time.perf_counter()
    await asyncio.gather(*(w.run(concept_task) for _ in range(13)))
    elapsed = time.perf_counter() - start
    assert 0.25 <= elapsed < 1.0


async def test_tokens_are_charged_by_estimate_then_by_use(concept_task: ConceptTask) -> None:
    def heavy(task: ConceptTask) -> object:
        exchange = current_exchange()
        assert exchange is not None
        exchange.input_tokens += 50_000            # the call used far more than estimated
        return minimal_draft(task)

    w = RateLimitedWriter(FakeWriter(), tpm=600_000, expected_output_tokens=0)
    estimate = len(concept_task.model_dump_json()) // 4
    await w.run(concept_task)
    assert w.tokens is not None
    assert w.tokens.has_capacity(600_000 - estimate - 100) and not w.tokens.has_capacity(600_000 - estimate + 100)
    w = RateLimitedWriter(FakeWriter(heavy), tpm=600_000, expected_output_tokens=0)
    await w.run(concept_task)
    assert w.tokens is not None and not w.tokens.has_capacity(600_000 - 50_000 + 100)


async def test_concurrency_cap_limits_calls_in_flight(concept_task: ConceptTask) -> None:
    inner = PeakCountingWriter()
    w = RateLimitedWriter(inner, concurrency=2)
    await asyncio.gather(*(w.run(concept_task) for _ in range(6)))
    assert inner.peak == 2
