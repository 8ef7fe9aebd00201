"""The model budget shared through Redis (``writers.shared_budget``), against the machine's real Redis.

Each test takes database 12 and a key prefix of its own, and deletes its keys after. Redis not answering is
a failure, not a skip: the budget is what keeps ten workers inside one provider's limits.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import redis

from adloom.errors import WriterError
from adloom.writers.base import ConceptTask
from adloom.writers.fake import FakeWriter, minimal_draft
from adloom.writers.openai import OpenAIWriter
from adloom.writers.retry import RetryingWriter
from adloom.writers.shared_budget import Budget, SharedBudget, SharedBudgetWriter
from adloom.writers.structured import rate_limited
from tests.writers_models.server import ModelServer, text_reply

REDIS_URL = "redis://127.0.0.1:6379/12"


def busiest_window(times: list[float], window: float) -> int:
    """The most calls that fell in any half-open interval of ``window`` seconds."""
    times = sorted(times)
    best, j = 0, 0
    for i, start in enumerate(times):
        while j < len(times) and times[j] < start + window:
            j += 1
        best = max(best, j - i)
    return best


@pytest.fixture
def prefix() -> Iterator[str]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} does not answer ({exc}); the shared-budget tests need it")
    name = f"test:budget:{uuid.uuid4().hex[:10]}"
    yield name
    keys = list(client.scan_iter(f"{name}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def budget(prefix: str, **limits: Any) -> SharedBudget:
    return SharedBudget.from_url(REDIS_URL, "openai:m", Budget(**limits), prefix=prefix)


def test_requests_are_spaced_by_the_rate_after_the_burst(prefix: str) -> None:
    b = budget(prefix, rpm=600, request_burst=2)        # 10 a second, two at once
    waits = [b.reserve(0) for _ in range(5)]
    assert waits[0] == waits[1] == 0.0
    for n, wait in enumerate(waits[2:], start=1):       # then one every 0.1 s, in order of reservation
        assert wait == pytest.approx(0.1 * n, abs=0.03)


def test_tokens_are_reserved_charged_and_given_back(prefix: str) -> None:
    b = budget(prefix, tpm=60_000, token_burst=1000)     # 1,000 tokens a second, a second's worth at once
    assert b.reserve(600) == 0.0
    assert b.reserve(600) == pytest.approx(0.2, abs=0.03)    # 1,200 of a 1,000 bucket: 0.2 s of refill
    b.adjust(-600)                                           # the second call used nothing: given back
    assert b.reserve(400) == pytest.approx(0.0, abs=0.03)
    b.adjust(1000)                                           # a call that used 1,000 more than it said
    assert b.reserve(1) == pytest.approx(1.0, abs=0.05)
    assert b.reserve(10**9) == pytest.approx(2.0, abs=0.05)  # larger than the bucket: a full bucket


def test_a_pause_holds_every_process_sharing_the_budget(prefix: str) -> None:
    one, other = budget(prefix, rpm=6000), budget(prefix, rpm=6000)   # two workers, one budget
    assert one.reserve(0) == 0.0
    one.pause(0.6)
    assert other.reserve(0) == pytest.approx(0.6, abs=0.05)
    one.pause(0.1)                                       # a shorter pause never shortens a longer one
    assert other.reserve(0) == pytest.approx(0.6, abs=0.05)


def _worker(prefix: str, rpm: float, calls: int, task: ConceptTask, out: Any) -> None:
    """One process's writer under the shared budget: ``calls`` calls, three at a time; the times they went."""
    went: list[float] = []

    async def instant(task: ConceptTask) -> Any:
        went.append(time.time())
        return minimal_draft(task)

    limited = budget(prefix, rpm=rpm, request_burst=1)
    writer = SharedBudgetWriter(FakeWriter(instant), limited, expected_output_tokens=10)  # type: ignore[arg-type]

    async def main() -> None:
        slots = asyncio.Semaphore(3)

        async def one() -> None:
            async with slots:
                await writer.run(task)
        await asyncio.gather(*(one() for _ in range(calls)))
    asyncio.run(main())
    out.put(went)


def test_processes_sharing_a_budget_never_exceed_it(prefix: str, concept_task: ConceptTask) -> None:
    rate, procs, calls = 20.0, 4, 12                    # 20 a second shared by 4 processes, 48 calls
    ctx = multiprocessing.get_context("spawn")
    queues = [ctx.Queue() for _ in range(procs)]
    children = [ctx.Process(target=_worker, args=(prefix, rate * 60, calls, concept_task, q)) for q in queues]
    for child in children:
        child.start()
    went = [t for q in queues for t in q.get(timeout=60)]
    for child in children:
        child.join(timeout=10)
    assert len(went) == procs * calls
    # at most rate x 1 s + the burst of one in any second; a call woken a little late by its event loop
    # can land next to the one after it, so the window is a second less 30 ms of wake-up slack
    assert busiest_window(went, 1.0 - 0.03) <= rate + 1
    # and the budget is spent, not wasted: 48 calls at 20 a second take about 2.35 s after the first
    assert max(went) - min(went) == pytest.approx((procs * calls - 1) / rate, abs=0.4)


async def test_a_provider_429_pauses_the_budget_and_the_retry_waits(prefix: str, concept_task: ConceptTask) -> None:
    shared = budget(prefix, rpm=6000)
    inner = FakeWriter([rate_limited("slow down", 0.4)])
    writer = RetryingWriter(SharedBudgetWriter(inner, shared, expected_output_tokens=10), base_delay=0.01)
    start = time.monotonic()
    task = asyncio.create_task(writer.run(concept_task))
    await asyncio.sleep(0.1)
    other = budget(prefix, rpm=6000)          # another worker asking meanwhile is held too
    assert await asyncio.to_thread(other.reserve, 0) >= 0.2
    assert (await task).hooks
    assert inner.calls == 2 and time.monotonic() - start >= 0.4


async def test_a_reask_is_a_request_against_the_budget(prefix: str, concept_task: ConceptTask) -> None:
    server = ModelServer("openai").start()
    try:
        server.script(text_reply('{"framework": "AIDA"}'))     # does not validate: the writer asks again
        model = OpenAIWriter("m", base_url=server.base_url, api_key="test-key", max_reasks=2)
        writer = SharedBudgetWriter(model, budget(prefix, rpm=600, request_burst=1), expected_output_tokens=10)
        start = time.monotonic()
        assert (await writer.run(concept_task)).hooks
        assert len(server.requests) == 2 and len(writer.waited) == 2
        assert time.monotonic() - start >= 0.09          # the second request waited its 0.1 s
    finally:
        server.stop()


def test_unreachable_redis_is_waited_for_then_named_without_the_password() -> None:
    with socket_closed_port() as port:
        b = SharedBudget.from_url(f"redis://:sekret@127.0.0.1:{port}/12", "openai:m", Budget(rpm=60),
                                  unreachable_timeout=0.5)
        start = time.monotonic()
        with pytest.raises(WriterError, match=f"127.0.0.1:{port}/12 unreachable") as info:
            b.reserve(1)
    assert time.monotonic() - start >= 0.3 and "sekret" not in str(info.value)


class socket_closed_port:
    """A loopback port nothing listens on (bound, then released)."""

    def __enter__(self) -> int:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return int(s.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        return None

