"""The driver's background helpers: drafts that wait together are embedded in one call."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from adloom.pipeline.background import EmbedBatcher


class FakeEmbedder:
    """A fake: records each call's texts; blocks the first call until released, like a slow model."""

    model_id = "fake"
    dim = 2

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.release = threading.Event()
        self.fail_on = fail_on

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        self.release.wait(5)
        if self.fail_on in texts:
            raise RuntimeError(f"cannot embed {self.fail_on}")
        return np.ones((len(texts), 2), dtype=np.float32)


async def _batched(embedder: FakeEmbedder, groups: list[list[str]]) -> list[BaseException | None]:
    with ThreadPoolExecutor(1) as pool:
        batcher = EmbedBatcher(embedder, pool)
        first = asyncio.ensure_future(batcher.embed(groups[0]))
        await asyncio.sleep(0.05)                 # the first batch is running: the rest queue behind it
        rest = [asyncio.ensure_future(batcher.embed(g)) for g in groups[1:]]
        await asyncio.sleep(0.05)
        embedder.release.set()
        results = await asyncio.gather(first, *rest, return_exceptions=True)
        await batcher.embed(["later"])            # whatever happened, the batcher still serves
        return results


def test_drafts_waiting_together_share_one_call() -> None:
    embedder = FakeEmbedder()
    results = asyncio.run(_batched(embedder, [["a", "b"], ["c"], ["d", "a"], ["e"]]))
    assert results == [None] * 4
    assert embedder.calls[:2] == [["a", "b"], ["c", "d", "a", "e"]]     # two calls, not four; each text once


def test_a_failed_batch_fails_its_waiters_and_the_next_batch_runs() -> None:
    embedder = FakeEmbedder(fail_on="bad")
    results = asyncio.run(_batched(embedder, [["a"], ["bad"], ["c"]]))
    assert results[0] is None
    assert isinstance(results[1], RuntimeError) and isinstance(results[2], RuntimeError)   # one batch
    assert embedder.calls[-1] == ["later"]


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux gives each thread its own nice value")
def test_background_threads_run_below_the_loop() -> None:
    from adloom.pipeline.background import background_priority

    mine = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    with ThreadPoolExecutor(1, initializer=background_priority) as pool:
        theirs = pool.submit(lambda: os.getpriority(os.PRIO_PROCESS, threading.get_native_id())).result()
    assert theirs == min(19, mine + 10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == mine     # the caller's is untouched
