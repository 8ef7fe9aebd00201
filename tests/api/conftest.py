"""Desk and API fixtures: a seeded project, an app on it, users and clients signed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from adloom.api.config import ServeConfig
from adloom.api.main import create_app
from adloom.store import accounts
from adloom.store.db import transaction

from .seed import Seeded, seed

PASSWORD = "correct horse battery"


@pytest.fixture
def seeded(store: sessionmaker[Session], tmp_path: Path) -> Seeded:
    return seed(store, tmp_path, 12, hostile=True)


def make_config(store: sessionmaker[Session], project: Path) -> ServeConfig:
    return ServeConfig(factory=store, project_dir=project, secret_key="s" * 48, secure_cookies=False,
                       login_attempts=5, out_dir=Path("out"))


@pytest.fixture
def app_client(store: sessionmaker[Session], tmp_path: Path) -> Iterator[TestClient]:
    with transaction(store) as session:
        accounts.add_user(session, "rita", "reviewer", PASSWORD)
        accounts.add_user(session, "adam", "admin", PASSWORD)
    app = create_app(make_config(store, tmp_path))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        yield client
    app.state.governors.close()


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (from a desk page)."""
    page = client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    resp = client.post("/login", data={"name": name, "password": password, "csrf": csrf, "next": "/desk"},
                       follow_redirects=False)
    assert resp.status_code == 303, resp.text
    desk = client.get("/desk", headers={"accept": "text/html"})
    return re.search(r'name="csrf" value="([^"]+)"', desk.text).group(1)  # type: ignore[union-attr]
