"""Work the driver runs behind a model call, so it costs no wall time: a file writer, a start-after-send
helper, a garbage-collector freeze for the run, and a batcher that embeds waiting drafts in one call."""

from __future__ import annotations

import asyncio
import gc
import os
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from typing import Any, TypeVar

from adloom.governance.embeddings import Embedder

__all__ = ["EmbedBatcher", "FilesBehind", "background_priority", "frozen_heap", "meanwhile"]

T = TypeVar("T")


class FilesBehind:
    """File writes the run need not wait for (brand.yaml: the YAML emitter is slow pure Python), done on
    one worker thread in the order submitted, while a model thinks. Drained before the run returns or
    raises, so a finished run has written everything, and the first failure is the run's."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._pending: list[asyncio.Future[None]] = []

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="adloom-files")
        self._pending.append(asyncio.get_running_loop().run_in_executor(self._pool, fn, *args))

    async def drain(self) -> None:
        pending, self._pending = self._pending, []
        try:
            results = await asyncio.gather(*pending, return_exceptions=True)
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
        for result in results:
            if isinstance(result, BaseException):
                raise result


# How long a model call is given to get its request out before background work starts competing with it
# for the GIL (its first call also waits for the SDK's platform probe on a thread): tens of milliseconds,
# against a model that takes hundreds at least.
_SEND_GRACE = 0.03


async def meanwhile(call: Awaitable[T], *jobs: Callable[[], object]) -> T:
    """Await ``call`` (a model call), starting ``jobs`` (which hand work to threads) once it has sent its
    request: started before, they would slow down the very call they are meant to hide behind."""
    task = asyncio.ensure_future(call)
    try:
        if jobs:    # a call answered at once (a cache hit) does not wait out the grace
            await asyncio.wait({task}, timeout=_SEND_GRACE)
        for job in jobs:
            job()
    except BaseException:
        task.cancel()
        raise
    return await task


# How much lower than the event loop the background threads run (a nice increment; 19 is the lowest).
BACKGROUND_NICENESS = 10


def background_priority() -> None:
    """Run the calling thread (and the threads it starts, such as onnxruntime's pool when it builds a
    session) below the event loop's priority. On two cores, the sentence model's threads and the loop
    answering model calls would otherwise share the CPU evenly, and every reply would wait its turn.
    Linux only: there the nice value is a thread's own; elsewhere it is the whole process's."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        with suppress(OSError):     # a sandbox that forbids it: the work still runs, only not behind the loop
            niceness = min(19, os.getpriority(os.PRIO_PROCESS, thread) + BACKGROUND_NICENESS)
            os.setpriority(os.PRIO_PROCESS, thread, niceness)


_freeze_lock = threading.Lock()
_freeze_depth = 0


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep what exists before the run (imported modules, SDKs, the sentence model) out of the cyclic
    garbage collector's full passes while the run is in flight: a full pass over that heap takes ~0.1 s,
    on the event loop, whenever it happens to trigger. The objects go back to the collector afterwards,
    so nothing is kept alive longer than the run. Nested or concurrent runs share one freeze."""
    global _freeze_depth
    with _freeze_lock:
        _freeze_depth += 1
        if _freeze_depth == 1:
            gc.freeze()
    try:
        yield
    finally:
        with _freeze_lock:
            _freeze_depth -= 1
            if _freeze_depth == 0:
                gc.unfreeze()


class EmbedBatcher:
    """Drafts that reach governance together are embedded in one model call.

    The five chains of a run finish their drafts within tens of milliseconds of each other; one ONNX call
    for all their texts costs far less than five in a row on one worker thread (the last draft would wait
    for the other four). Texts that arrive while a batch runs go in the next one.
    """

    def __init__(self, embedder: Embedder, executor: Executor) -> None:
        self.embedder = embedder
        self.executor = executor
        self._waiting: list[tuple[Sequence[str], asyncio.Future[None]]] = []
        self._draining: asyncio.Task[None] | None = None

    async def embed(self, texts: Sequence[str]) -> None:
        """Returns once ``texts`` are in the embedder's cache."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((texts, done))
        if self._draining is None:
            self._draining = asyncio.ensure_future(self._drain())
        await done

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                texts = list(dict.fromkeys(t for texts, _f in batch for t in texts))
                try:
                    await loop.run_in_executor(self.executor, self.embedder.embed, texts)
                except Exception as exc:     # every waiter of the batch gets the error, the next batch runs
                    for _t, done in batch:
                        done.set_exception(exc)
                else:
                    for _t, done in batch:
                        done.set_result(None)
        finally:
            self._draining = None
