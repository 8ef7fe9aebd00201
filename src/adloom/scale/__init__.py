"""Scale-out: the same units of work as the in-process executor, run by ``adloom worker`` processes.

    app.py        the Celery app, built from settings (JSON only, acks late, redelivered if a worker dies)
    payloads.py   what a task carries: everything a unit needs, so a worker never reads the brand folder
    units.py      a unit executed on a worker, its results written in one transaction keyed by content
    tasks.py      the Celery tasks: thin wrappers around ``units``
    executor.py   the driver's side: send units, gather what workers stored, send the next segment
    storage.py    where run folders live for every worker (a local path now)
    jsonlog.py    worker logs as JSON lines with the run and unit ids

Needs the ``scale`` extra (celery, redis) and a PostgreSQL store: a SQLite file cannot be shared by workers.
"""

from __future__ import annotations

from sqlalchemy import make_url

from adloom.errors import ConfigError

__all__ = ["require_scale"]


def require_scale(database_url: str | None) -> None:
    """Refuse, in one line, what the celery executor cannot work with: no Celery, or a store only one
    machine can open."""
    try:
        import celery  # noqa: F401
        import redis  # noqa: F401
    except ImportError:
        raise ConfigError('the celery executor needs the scale extra: pip install "adloom[scale]"',
                          field="executor") from None
    backend = make_url(database_url).get_backend_name() if database_url else "sqlite"
    if backend != "postgresql":
        raise ConfigError(f"the celery executor needs a PostgreSQL store that every worker can reach (set "
                          f"ADLOOM_DATABASE_URL=postgresql://...); the store is {backend}", field="executor")
