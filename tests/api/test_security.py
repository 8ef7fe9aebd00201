"""Access control, CSRF, escaping, sessions and headers, against the real app on a seeded store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from adloom.api.config import serve_config
from adloom.api.main import create_app, route_roles
from adloom.errors import ConfigError
from adloom.settings import Settings
from adloom.store import accounts
from adloom.store.db import transaction

from .conftest import PASSWORD, login, make_config
from .seed import IMG, SCRIPT, Seeded

HTML = {"accept": "text/html"}


def _fill(path: str, concept_id: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: concept_id if "concept" in m.group(0) else "x", path)


def test_every_route_refuses_an_anonymous_caller_except_login_and_health(app_client: TestClient,
                                                                         seeded: Seeded) -> None:
    schema = app_client.get("/openapi.json").json()     # documentation, public like the sign-in page
    public = set()
    checked = 0
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            role = op["x-adloom-role"]
            url = _fill(path, seeded.queued[0])
            if role == "public":
                public.add(path)
                continue
            resp = app_client.request(method.upper(), url, headers={"accept": "application/json"})
            assert resp.status_code == 401, (method, path, resp.status_code)
            assert resp.headers["content-type"].startswith("application/problem+json")
            checked += 1
    assert public == {"/login", "/health", "/api/health"}
    assert checked >= 25
    # a desk page in a browser goes to the sign-in page instead of showing anything
    page = app_client.get(f"/desk/items/{seeded.queued[0]}", headers=HTML, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")


def test_the_app_refuses_to_build_with_a_route_that_states_no_role(store: sessionmaker[Session],
                                                                   tmp_path: Path) -> None:
    app = create_app(make_config(store, tmp_path))

    @app.get("/oops")
    def oops() -> dict[str, str]:
        return {}

    with pytest.raises(RuntimeError, match="states no role"):
        route_roles(app)
    app.state.governors.close()


def test_wrong_role_is_403_and_bearer_tokens_work(app_client: TestClient, store: sessionmaker[Session],
                                                 seeded: Seeded) -> None:
    with transaction(store) as session:
        token = accounts.create_token(session, "ci", "reviewer")
        admin_token = accounts.create_token(session, "ops", "admin")
    bearer = {"authorization": f"Bearer {token}"}
    assert app_client.get("/api/review/items", headers=bearer).status_code == 200
    resp = app_client.get("/api/audit/verify", headers=bearer)
    assert resp.status_code == 403 and resp.json()["title"] == "Forbidden"
    assert app_client.get("/api/audit/verify", headers={"authorization": f"Bearer {admin_token}"}).json()["ok"]
    assert app_client.get("/api/me", headers={"authorization": "Bearer adl_not-a-token"}).status_code == 401
    with transaction(store) as session:
        accounts.revoke_token(session, "ci")
    assert app_client.get("/api/review/items", headers=bearer).status_code == 401
    # an admin-only call for a signed-in reviewer
    login(app_client, "rita")
    assert app_client.get("/api/audit/verify").status_code == 403


def test_state_changes_need_the_sessions_csrf_token(app_client: TestClient, seeded: Seeded) -> None:
    csrf = login(app_client, "rita")
    cid = seeded.queued[0]
    url = f"/desk/items/{cid}/decide"
    assert app_client.post(url, data={"decision": "approve"}, follow_redirects=False).status_code == 403
    assert app_client.post(url, data={"decision": "approve", "csrf": "forged"},
                           follow_redirects=False).status_code == 403
    body = {"decision": "approve"}
    assert app_client.post(f"/api/review/items/{cid}/decision", json=body).status_code == 403
    assert app_client.get(f"/api/review/items/{cid}").json()["item"]["state"] == "pending"   # nothing happened
    ok = app_client.post(f"/api/review/items/{cid}/decision", json=body, headers={"x-csrf-token": csrf})
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    # the sign-in form has its own token
    assert app_client.post("/login", data={"name": "rita", "password": PASSWORD}).status_code == 403


def test_hostile_copy_is_escaped_everywhere_it_is_shown(app_client: TestClient, seeded: Seeded) -> None:
    login(app_client, "rita")
    hostile = [cid for cid in seeded.queued if SCRIPT in app_client.get(f"/api/review/items/{cid}").text
               or "onerror" in app_client.get(f"/api/review/items/{cid}").text]
    assert len(hostile) >= 2
    pages = [app_client.get(f"/desk/items/{cid}", headers=HTML).text for cid in hostile]
    pages.append(app_client.get("/desk", headers=HTML).text)
    group_key = app_client.get(f"/api/review/items/{hostile[0]}").json()["item"]["group"]
    pages.append(app_client.get(f"/desk/groups/{group_key}", headers=HTML).text)
    seen_script = seen_img = False
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page
        seen_script |= "&lt;script&gt;alert(" in page
        seen_img |= "&#34;&gt;&lt;img src=x onerror=alert(document.domain)&gt;" in page
        assert page.count("<script") == 1          # only desk.js
    assert seen_script and seen_img
    assert IMG  # the payload the seed wrote


def test_session_fixation_and_logout(app_client: TestClient, seeded: Seeded) -> None:
    planted = "attacker-chosen-token"
    app_client.cookies.set("adloom_session", planted)
    login(app_client, "rita")
    issued = [c.value for c in app_client.cookies.jar if c.name == "adloom_session" and c.value != planted]
    assert len(issued) == 1
    issued_token = issued[0]
    app_client.cookies.clear()
    app_client.cookies.set("adloom_session", issued_token)
    csrf = re.search(r'name="csrf" value="([^"]+)"', app_client.get("/desk", headers=HTML).text).group(1)  # type: ignore[union-attr]
    out = app_client.post("/logout", data={"csrf": csrf}, follow_redirects=False)
    assert out.status_code == 303
    assert app_client.get("/api/me").status_code == 401
    # the old cookie, replayed after logout, opens nothing
    replay = TestClient(app_client.app, base_url="http://127.0.0.1", cookies={"adloom_session": issued_token})
    assert replay.get("/api/me").status_code == 401


def test_login_is_rate_limited_and_cookies_are_hardened(app_client: TestClient) -> None:
    page = app_client.get("/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    for _ in range(5):
        bad = app_client.post("/login", data={"name": "rita", "password": "wrong password!", "csrf": csrf})
        assert bad.status_code == 401
    blocked = app_client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    other = app_client.post("/login", data={"name": "adam", "password": PASSWORD, "csrf": csrf},
                            follow_redirects=False)
    assert other.status_code == 429          # the same address is limited too
    headers = app_client.get("/login").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["x-content-type-options"] == "nosniff"


def test_session_cookie_flags(store: sessionmaker[Session], tmp_path: Path) -> None:
    with transaction(store) as session:
        accounts.add_user(session, "rita", "reviewer", PASSWORD)
    for secure in (False, True):
        config = make_config(store, tmp_path)
        config = type(config)(**{**config.__dict__, "secure_cookies": secure})
        app = create_app(config)
        client = TestClient(app, base_url="https://127.0.0.1" if secure else "http://127.0.0.1")
        page = client.get("/login")
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        resp = client.post("/login", data={"name": "rita", "password": PASSWORD, "csrf": csrf},
                           follow_redirects=False)
        cookie = next(v for k, v in resp.headers.multi_items() if k == "set-cookie" and "adloom_session=" in v)
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert ("Secure" in cookie) is secure
        app.state.governors.close()


def test_serving_beyond_loopback_needs_a_real_secret(store: sessionmaker[Session], tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ADLOOM_SECRET_KEY"):
        serve_config(Settings(secret_key=None), store, tmp_path, "0.0.0.0")
    with pytest.raises(ConfigError):
        serve_config(Settings(secret_key="change-me"), store, tmp_path, "10.1.2.3")
    ok = serve_config(Settings(secret_key="k" * 40), store, tmp_path, "0.0.0.0")
    assert ok.secure_cookies
    local = serve_config(Settings(secret_key=None), store, tmp_path, "127.0.0.1")
    assert not local.secure_cookies and len(local.secret_key) >= 32
