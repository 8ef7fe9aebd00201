"""The Celery tasks: each parses its JSON payload and runs the unit (``scale.units``), the same function
whichever worker takes it. A lost database connection is retried with backoff (the unit's transaction
either committed whole or not at all); any other error marks the unit failed, so the driver stops waiting
and says why."""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from adloom.errors import StoreError
from adloom.scale.app import CONCEPT_TASK, EXPORT_TASK, RENDER_TASK
from adloom.scale.jsonlog import unit_context
from adloom.scale.payloads import ConceptUnit, ExportUnit, RenderUnit
from adloom.scale.units import WorkerEnv, concept_unit, export_unit, render_unit
from adloom.settings import Settings
from adloom.store import units as unit_store
from adloom.store.db import transaction

if TYPE_CHECKING:
    from celery import Celery, Task

log = logging.getLogger("adloom.scale.tasks")

__all__ = ["MAX_RETRIES", "register"]

MAX_RETRIES = 8             # a database away for a minute or so is waited out (1, 2, 4 … 30 s apart)
RETRYABLE: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, StoreError)
J = TypeVar("J", bound=BaseModel)
_ENV: list[WorkerEnv] = []      # one per worker process, made in the process after the pool forks


def env() -> WorkerEnv:
    if not _ENV:
        _ENV.append(WorkerEnv.from_settings(Settings()))
    return _ENV[0]


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, RETRYABLE) or (isinstance(exc, DBAPIError) and exc.connection_invalidated)


def _execute(task: Task, kind: str, payload: dict[str, Any], model: type[J],
             fn: Callable[[J, WorkerEnv], Coroutine[Any, Any, dict[str, Any]]]) -> dict[str, Any]:
    job = model.model_validate(payload)
    run_id, unit = str(getattr(job, "run_id")), str(getattr(job, "unit", kind))  # noqa: B009
    worker = env()
    # the Celery node (`adloom-<worker pid>@<host>`) and this pool process: what run_units.worker records
    worker.name = f"{task.request.hostname or worker.name}/{os.getpid()}"
    with unit_context(run_id=run_id, unit=unit, kind=kind, task_id=str(task.request.id)):
        try:
            return asyncio.run(fn(job, worker))
        except Exception as exc:
            if _retryable(exc) and task.request.retries < MAX_RETRIES:
                delay = min(30, 2 ** task.request.retries)
                log.warning("store unavailable; retrying", extra={"retry": task.request.retries + 1,
                                                                   "in_seconds": delay, "error": _line(exc)})
                raise task.retry(exc=exc, countdown=delay) from exc
            log.error("unit failed", extra={"error": _line(exc)})
            _mark_failed(run_id, kind, unit, exc)
            raise


def _line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:500]


def _mark_failed(run_id: str, kind: str, unit: str, exc: BaseException) -> None:
    """Best effort: with the store itself gone, the driver sends the unit again after a while."""
    try:
        with transaction(env().factory) as session:
            row = unit_store.locked(session, run_id, kind, unit)
            if row is not None and row.status not in unit_store.FINAL:
                unit_store.finish(row, "failed", None, _line(exc))
    except Exception:
        log.exception("could not mark the unit failed")


def register(app: Celery) -> None:
    """The three tasks on ``app``; the driver sends them by name, so it needs none of this."""

    @app.task(name=CONCEPT_TASK, bind=True, max_retries=MAX_RETRIES)
    def concept_task(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
        return _execute(self, "concept", payload, ConceptUnit, concept_unit)

    @app.task(name=RENDER_TASK, bind=True, max_retries=MAX_RETRIES)
    def render_task(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
        return _execute(self, "render", payload, RenderUnit, render_unit)

    @app.task(name=EXPORT_TASK, bind=True, max_retries=MAX_RETRIES)
    def export_task(self: Task, payload: dict[str, Any]) -> dict[str, Any]:
        return _execute(self, "export", payload, ExportUnit, export_unit)
