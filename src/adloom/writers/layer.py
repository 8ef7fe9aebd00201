"""The base of every writer around a writer (retries, rate limits, and the pipeline's cache and records)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adloom.writers.base import Task, Writer

__all__ = ["WriterLayer"]


class WriterLayer(Writer):
    """A writer around a writer: keeps the inner one's id, so ids and cache keys do not change."""

    def __init__(self, inner: Writer) -> None:
        self.inner = inner
        self.id = inner.id
        self.model = getattr(inner, "model", None)

    def prepare(self, task_types: Iterable[type[Task[Any]]]) -> None:
        self.inner.prepare(task_types)
