"""Shared fixtures: a fresh store per test (SQLite, or PostgreSQL when ADLOOM_TEST_DATABASE_URL is set),
and a guard that fails any attempt to reach a non-loopback address."""

from __future__ import annotations

import ipaddress
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.store.db import make_engine, upgrade

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_BRAND = REPO / "examples" / "restwave"
PG_URL = os.environ.get("ADLOOM_TEST_DATABASE_URL")

_real_connect = socket.socket.connect


def _guarded_connect(self: socket.socket, address):  # type: ignore[no-untyped-def]
    if self.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            ip = ipaddress.ip_address(socket.gethostbyname(host))
        if not ip.is_loopback:
            raise RuntimeError(f"tests must not reach the network (tried {host})")
    return _real_connect(self, address)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On the PostgreSQL pass (`make test-pg`) run only the tests that take the store from ``db_url``: every
    other test does exactly what it did on the SQLite pass, so running it again only doubled CI's time."""
    if not PG_URL:
        return
    uses_store = ["db_url" in getattr(item, "fixturenames", ()) for item in items]
    config.hook.pytest_deselected(items=[item for item, kept in zip(items, uses_store, strict=True) if not kept])
    items[:] = [item for item, kept in zip(items, uses_store, strict=True) if kept]


@pytest.fixture(autouse=True, scope="session")
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Tests never read the user's cache (compiled matchers live in XDG_CACHE_HOME); they share one of their
    own for the session, so the default packs are compiled once per test run, not once per test."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)


@pytest.fixture
def db_url(tmp_path: Path) -> Iterator[str]:
    """URL of an empty, migrated database private to this test."""
    if not PG_URL:
        url = f"sqlite:///{tmp_path / 'test.db'}"
        upgrade(make_engine(url))
        yield url
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG_URL}{'&' if '?' in PG_URL else '?'}options=-csearch_path%3D{schema}"
    upgrade(make_engine(url))
    yield url
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture
def store(db_url: str) -> sessionmaker[Session]:
    return sessionmaker(make_engine(db_url), expire_on_commit=False)
