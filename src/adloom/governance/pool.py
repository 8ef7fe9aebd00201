"""Verdicts on every core: worker processes each build a Governor once and judge a share of the concepts.

The full verdict is Python-bound (the GIL), so threads cannot spread it; processes can. Workers are spawned,
not forked: a fork would copy onnxruntime's and an event loop's threads mid-state. Each worker loads the
sentence model with one intra-op thread (the workers are the parallelism) and reads the embedding cache
from ``cache_dir`` when given, so texts embedded ahead, in one batch, are not embedded again.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from pydantic import TypeAdapter

from adloom.types import BrandObject, Campaign, Concept, Verdict

__all__ = ["GovernorPool"]

_GOVERNOR: object | None = None      # the worker's Governor, built once by _start
# Concepts and verdicts cross the process boundary as JSON: pydantic writes it ~7x faster than pickle
_CONCEPTS = TypeAdapter(list[Concept])
_VERDICTS = TypeAdapter(list[Verdict])


def _start(brand: BrandObject, campaign: Campaign, project_dir: Path | None, cache_dir: Path | None) -> None:
    global _GOVERNOR
    from adloom.governance.embeddings import default_embedder
    from adloom.governance.governor import Governor

    _GOVERNOR = Governor.build(brand, campaign, project_dir=project_dir,
                               embedder=default_embedder(cache_dir, threads=1))


def _judge(concepts: bytes, max_attempts: int) -> bytes:
    from adloom.governance.governor import Governor

    assert isinstance(_GOVERNOR, Governor), "worker started without a governor"
    return _VERDICTS.dump_json(_GOVERNOR.verdicts(_CONCEPTS.validate_json(concepts), max_attempts=max_attempts))


class GovernorPool:
    """``Governor.verdicts`` spread over ``workers`` processes (default: one per core), in input order."""

    def __init__(self, brand: BrandObject, campaign: Campaign, *, workers: int | None = None,
                 project_dir: Path | None = None, cache_dir: Path | None = None, chunk: int = 50) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.chunk = max(1, chunk)
        self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_start,
                                             initargs=(brand, campaign, project_dir, cache_dir))

    def verdicts(self, concepts: Sequence[Concept], *, max_attempts: int = 3) -> list[Verdict]:
        # chunks small enough that every worker gets several (the last one does not straggle), large
        # enough that each embeds its texts in one batch
        size = min(self.chunk, max(1, -(-len(concepts) // (self.workers * 4))))
        chunks = [_CONCEPTS.dump_json(list(concepts[at:at + size])) for at in range(0, len(concepts), size)]
        out: list[Verdict] = []
        for verdicts in self._executor.map(_judge, chunks, [max_attempts] * len(chunks)):
            out += _VERDICTS.validate_json(verdicts)
        return out

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> GovernorPool:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
