"""`adloom worker`: a Celery worker that executes the units `adloom run --executor celery` sends."""

from __future__ import annotations

import os

import typer
from sqlalchemy import Engine

from adloom.cli.common import cli_errors
from adloom.errors import ConfigError
from adloom.settings import Settings

DEFAULT_QUEUES = "adloom.concepts,adloom.render"


def schema_is_current(engine: Engine) -> bool:
    """Whether the store has every migration this adloom knows: a worker never migrates (one process does,
    before new workers start: `adloom migrate`), so old and new workers never race over the schema."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from adloom.store.db import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads


@cli_errors
def worker(
    concurrency: int = typer.Option(None, "--concurrency", "-c", min=1,
                                    help="Worker processes (default: one per CPU)."),
    queues: str = typer.Option(DEFAULT_QUEUES, "--queues", "-Q",
                               help="Comma-separated queues to take units from (concepts, render, or both)."),
    loglevel: str = typer.Option("info", "--loglevel", help="debug, info, warning, error."),
) -> None:
    """Execute queued units of work (concepts, renders, exports) from ADLOOM_BROKER_URL against the PostgreSQL
    store in ADLOOM_DATABASE_URL. Logs are JSON lines on stderr; SIGTERM finishes the units in hand, then exits."""
    from adloom.scale import require_scale

    settings = Settings()
    require_scale(settings.database_url)
    assert settings.database_url is not None
    from adloom.scale.app import celery_app
    from adloom.scale.jsonlog import install
    from adloom.scale.tasks import register
    from adloom.store.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        if not schema_is_current(engine):
            raise ConfigError("the store's schema is behind this adloom: run `adloom migrate` once, then start "
                              "the workers", field="database_url")
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError(f"cannot reach the store: {type(exc).__name__}", field="database_url") from None
    finally:
        engine.dispose()         # nothing of the parent's pool may cross into the forked workers
    install(loglevel)
    app = celery_app(settings)
    register(app)
    argv = ["--quiet", "worker", f"--loglevel={loglevel.upper()}", f"--queues={queues}", "--without-gossip",
            "--without-mingle", f"--hostname=adloom-{os.getpid()}@%h"]
    if concurrency:
        argv.append(f"--concurrency={concurrency}")
    app.worker_main(argv)
