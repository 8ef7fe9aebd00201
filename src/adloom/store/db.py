"""Engine, migrations and sessions. Callers pass a URL; nothing here reads settings."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from adloom.errors import StoreError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
_PG_MIGRATE_LOCK = 0x61646C6D6967      # "adlmig": held by whichever process migrates a PostgreSQL database


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str, *, schema: str | None = None) -> Engine:
    """``schema`` (PostgreSQL only) isolates a store inside one database, as the tests do."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")       # readers never block the writer
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        return engine
    connect_args = {"options": f"-csearch_path={schema}"} if schema else {}
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migrations (idempotent, cheap when already current).

    "heads": independent features add their tables as branches off a common base, and every branch applies.
    Processes starting at once on a new store take turns (a PostgreSQL advisory lock, a lock file beside a
    SQLite file): the second finds the schema current instead of creating the same tables again.

    A store already at every head is left as it is without importing alembic (with mako and pygments ~0.2 s
    CPU of a cold process, issue 17): its ``alembic_version`` rows are compared with the migration files.
    """
    if _at_heads(engine):
        return
    from alembic import command

    try:
        with _migration_lock(engine):
            command.upgrade(alembic_config(engine), "heads")
    except OperationalError as exc:
        raise StoreError(f"cannot reach or migrate the database {engine.url!r}: {exc.orig}") from exc


def _at_heads(engine: Engine) -> bool:
    """True when the store's recorded revisions are exactly the heads of the migration files; anything else
    (no store yet, no version table, an older or a newer store, files this cannot read) is alembic's to
    judge. The store is asked first: a new one has no version table, and the files need not be read."""
    try:
        with engine.connect() as conn:
            found = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except DBAPIError:
        return False
    heads = _heads()
    return bool(heads) and found == heads


# a migration's own revision and the one(s) it revises: top-level, one line each, a literal value
_ASSIGNED = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*(?:#.*)?$", re.MULTILINE)


@cache
def _heads() -> frozenset[str]:
    """Revisions no other migration revises, read from each file's ``revision`` and ``down_revision`` lines
    (empty, so alembic decides, when a file states them any other way)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        found: dict[str, list[object]] = {}
        for name, value in _ASSIGNED.findall(path.read_text(encoding="utf-8")):
            try:
                found.setdefault(name, []).append(ast.literal_eval(value))
            except (ValueError, SyntaxError):
                return frozenset()
        revision, downs = found.get("revision", []), found.get("down_revision", [])
        if len(revision) != 1 or len(downs) != 1 or not isinstance(revision[0], str):
            return frozenset()
        revisions.add(revision[0])
        down = downs[0]
        if isinstance(down, str):
            revised.add(down)
        elif isinstance(down, tuple | list) and all(isinstance(d, str) for d in down):
            revised.update(down)
        elif down is not None:
            return frozenset()
    return frozenset(revisions - revised)


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATE_LOCK})
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATE_LOCK})
                conn.commit()
        return
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    from filelock import FileLock, Timeout

    try:
        with FileLock(f"{database}.migrate.lock", timeout=120):
            yield
    except Timeout as exc:
        raise StoreError(f"another process has been migrating {database} for 2 minutes; "
                         f"if none is running, delete {exc.lock_file}") from exc


def open_store(url: str) -> sessionmaker[Session]:
    engine = make_engine(url)
    upgrade(engine)
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as session, session.begin():
        yield session
