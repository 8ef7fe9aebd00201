"""Worker logs as JSON lines: one object per record with time, level, logger, message, and the run and unit
ids of the task being executed (set by the task, read through a context variable)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

__all__ = ["JsonFormatter", "install", "unit_context"]

_UNIT: ContextVar[dict[str, str]] = ContextVar("adloom_unit", default={})  # noqa: B039 - never mutated
# "data": Celery's own records carry a task's whole payload there; the run and unit ids say which it was
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "data"}
# Celery's per-task "received" / "succeeded" lines repeat the payload (a whole brand object); the units log
# their own outcome with run and unit ids, and Celery's warnings and errors still come through
_QUIET = ("celery.app.trace", "celery.worker.strategy")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name, "message": record.getMessage(),
            "pid": record.process, **_UNIT.get()}
        # fields given with ``extra=`` (a unit's outcome, its attempts) join the object
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, default=str, ensure_ascii=False)


@contextmanager
def unit_context(**ids: str) -> Iterator[None]:
    """Every record logged inside names these ids (``run_id``, ``unit``, ``kind``, ``task_id``)."""
    token = _UNIT.set({**_UNIT.get(), **ids})
    try:
        yield
    finally:
        _UNIT.reset(token)


def install(level: str = "INFO") -> None:
    """JSON lines on stderr for the root logger (Celery's own loggers propagate to it)."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
