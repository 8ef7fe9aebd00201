"""Runs started from the API, polled by job id: a thread per job waits on the run's worker process.

One at a time per server, since two runs on the same cores would only halve each other's speed.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from adloom.errors import Conflict

__all__ = ["Job", "Jobs"]


@dataclass
class Job:
    id: str
    state: str = "queued"            # queued | running | done | failed
    started_at: str = field(default_factory=lambda: datetime.now(UTC).isoformat())
    finished_at: str | None = None
    run_id: str | None = None
    error: str | None = None
    summary: dict[str, Any] | None = None


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def start(self, work: Callable[[], dict[str, Any]]) -> Job:
        with self._lock:
            if any(j.state in ("queued", "running") for j in self._jobs.values()):
                raise Conflict("a run is already in progress on this server: poll it, then start the next")
            job = Job(uuid.uuid4().hex[:12])
            self._jobs[job.id] = job
        threading.Thread(target=self._run, args=(job, work), name=f"adloom-run-{job.id}", daemon=True).start()
        return job

    def _run(self, job: Job, work: Callable[[], dict[str, Any]]) -> None:
        job.state = "running"
        try:
            job.summary = work()
            job.run_id = str(job.summary["run_id"])
            job.state = "done"
        except Exception as exc:        # reported to the poller; the server keeps serving
            job.state, job.error = "failed", f"{type(exc).__name__}: {exc}"
        finally:
            job.finished_at = datetime.now(UTC).isoformat()
