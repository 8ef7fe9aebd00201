"""Audit test helpers: a log on the per-test store, a realistic seeded lineage, and trigger-free tampering."""

from __future__ import annotations

import hashlib
import importlib.util
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, kinds
from adloom.store.db import make_engine, upgrade

FIXED_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MIGRATION = (Path(__file__).resolve().parents[2] / "src/adloom/store/migrations/versions/"
             "0002_audit_append_only.py")
CONCEPT = "1a2b3c4d5e6f7a8b"
BRAND_VERSION = "b7e1f00d2c3a4b5c"


@pytest.fixture
def log(store: sessionmaker[Session]) -> AuditLog:
    return AuditLog(store)


def _migration() -> Any:
    spec = importlib.util.spec_from_file_location("audit_migration_0002", MIGRATION)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def untriggered(store: sessionmaker[Session]) -> Iterator[Session]:
    """A transaction with the append-only triggers off: how an attacker with DBA rights edits the log."""
    with store() as session, session.begin():
        dialect = session.connection().dialect.name
        if dialect == "postgresql":
            session.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
            yield session
            session.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
        else:
            session.execute(text("DROP TRIGGER audit_events_no_update"))
            session.execute(text("DROP TRIGGER audit_events_no_delete"))
            yield session
            for statement in _migration()._SQLITE[:2]:
                session.execute(text(statement))


def tamper(store: sessionmaker[Session], *statements: str, **params: Any) -> None:
    with untriggered(store) as session:
        for statement in statements:
            session.execute(text(statement), params)


def seed_lineage(log: AuditLog, asset_file: Path | None = None, export_file: Path | None = None,
                 concept: str = CONCEPT) -> None:
    """The events one run emits for one concept, from brand version to export."""

    def sha(path: Path | None) -> str:
        return hashlib.sha256(path.read_bytes()).hexdigest() if path else "0" * 64

    log.append_many([
        _e(kinds.RUN_STARTED, "run-1"),
        _e(kinds.BRAND_VERSION_CREATED, BRAND_VERSION, payload={
            "brand": "restwave", "version": BRAND_VERSION, "parent": None,
            "documents": [{"id": "doc-site", "kind": "website", "file": "site/index.md", "section": "Hero",
                           "line": 3}]}),
        _e(kinds.BRAND_CLAIM_APPROVED, BRAND_VERSION, "ana@restwave", {"claim": "c-sleep-90"}),
        _e(kinds.CONCEPT_GENERATED, concept, "writer:formula", {
            "brand_version": BRAND_VERSION, "angle": "pain-first", "segment": "weekend-warriors",
            "writer": "openai:gpt-4o-mini", "template": "concept@3", "attempt": 1, "cache_hit": False,
            "params": {"temperature": 0.7}}),
        _e(kinds.VERDICT_RECORDED, concept, payload={
            "attempt": 1, "route": "regenerate", "checks": {"lexical": "core@1", "policy": "bundle@2"},
            "findings": [{"rule_id": "health.cure_claim", "pack": "health@2", "severity": "block"}],
            "scores": {"fit": 0.81}}),
        _e(kinds.REGENERATION_REQUESTED, concept, payload={"attempt": 1, "reasons": ["health.cure_claim"]}),
        _e(kinds.VERDICT_RECORDED, concept, payload={"attempt": 2, "route": "review", "checks": {},
                                                     "findings": [], "scores": {"fit": 0.9}}),
        _e(kinds.REVIEW_DECIDED, concept, "reviewer:ana", {"decision": "approve", "rationale": "ok"}),
        _e(kinds.ASSET_RENDERED, concept, payload={"asset_id": f"asset-{concept[:4]}", "concept_id": concept,
                                                   "path": "assets/a.png", "sha256": sha(asset_file)}),
        _e(kinds.EXPORT_WRITTEN, "run-1", payload={
            "file": "exports/meta.csv", "sha256": sha(export_file),
            "ads": [{"ad_name": f"adl_restwave_pain-first_weekend-warriors_h1_{concept[:8]}_meta",
                     "concept_id": concept}]}),
        _e(kinds.RUN_FINISHED, "run-1"),
    ])


def _e(kind: str, subject: str, actor: str = "system", payload: dict[str, Any] | None = None) -> NewEvent:
    return NewEvent(kind, subject, actor, payload)


def filler(log: AuditLog, n: int) -> None:
    log.append_many([_e("run.started", f"run-{i}", payload={"i": i}) for i in range(n)])


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    """A fresh migrated PostgreSQL schema. Fails (never skips) when ADLOOM_TEST_DATABASE_URL is set."""
    configured = os.environ.get("ADLOOM_TEST_DATABASE_URL")
    base = configured or FIXED_PG_URL
    admin = make_engine(base)
    schema = "t_" + uuid.uuid4().hex[:12]
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except Exception as exc:
        if configured:
            pytest.fail(f"PostgreSQL at {base} is unreachable: {exc}")
        pytest.skip(f"PostgreSQL not available at {base}")
    url = f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}"
    upgrade(make_engine(url))
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


