from __future__ import annotations

import hashlib
import ipaddress
import socket
import time
from pathlib import Path
from typing import Any

import pytest

from adloom.errors import FetchError
from adloom.ingest import fetch
from adloom.ingest.fetch import FetchOptions, fetch_page, is_public_address
from tests.ingest.http_server import PAGE, ScriptedServer

LOCAL = FetchOptions(allow_private=True, timeout=5)


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every socket connect attempted during the test (on top of the network guard)."""
    seen: list[Any] = []
    guarded = socket.socket.connect

    def recording(self: socket.socket, address: Any) -> None:
        seen.append(address)
        guarded(self, address)

    monkeypatch.setattr(socket.socket, "connect", recording)
    return seen


async def test_fetches_a_page(http_server: ScriptedServer) -> None:
    page = await fetch_page(f"{http_server.base}/page", LOCAL)
    assert page.html.encode() == PAGE
    assert page.final_url == f"{http_server.base}/page"


async def test_follows_redirects_and_rechecks(http_server: ScriptedServer) -> None:
    page = await fetch_page(f"{http_server.base}/redirect", LOCAL)
    assert page.final_url == f"{http_server.base}/page"
    assert http_server.hits == ["/redirect", "/page"]


async def test_404_is_a_fetch_error(http_server: ScriptedServer) -> None:
    with pytest.raises(FetchError, match="HTTP 404"):
        await fetch_page(f"{http_server.base}/missing", LOCAL)


async def test_slow_response_times_out(http_server: ScriptedServer) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        await fetch_page(f"{http_server.base}/slow", FetchOptions(allow_private=True, timeout=0.3))
    assert time.monotonic() - started < 1.2


async def test_streamed_body_past_limit_is_refused(http_server: ScriptedServer) -> None:
    with pytest.raises(FetchError, match="too large: more than 50000 bytes"):
        await fetch_page(f"{http_server.base}/big", FetchOptions(allow_private=True, max_bytes=50_000))


async def test_declared_body_past_limit_is_refused_before_reading(http_server: ScriptedServer) -> None:
    with pytest.raises(FetchError, match="too large: 900000000 bytes"):
        await fetch_page(f"{http_server.base}/big-declared", LOCAL)


async def test_loopback_refused_before_any_connection(http_server: ScriptedServer,
                                                      connects: list[Any]) -> None:
    for url in (f"{http_server.base}/page", f"http://localhost:{http_server.server_address[1]}/page"):
        with pytest.raises(FetchError, match=r"refused: .* non-public address"):
            await fetch_page(url, FetchOptions())
    assert connects == []
    assert http_server.hits == []


async def test_redirect_to_private_address_refused(http_server: ScriptedServer, connects: list[Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Let the test server stand in for a public site; every other non-public address stays refused.
    monkeypatch.setattr(fetch, "is_public_address", lambda ip: ip == ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(FetchError, match=r"refused: 10\.0\.0\.1 resolves to non-public address"):
        await fetch_page(f"{http_server.base}/redirect-private", FetchOptions())
    assert http_server.hits == ["/redirect-private"]
    assert [address[0] for address in connects] == ["127.0.0.1"]


async def test_redirect_to_other_scheme_and_redirect_loops_are_refused(http_server: ScriptedServer) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        await fetch_page(f"{http_server.base}/redirect-file", LOCAL)
    with pytest.raises(FetchError, match="more than 5 redirects"):
        await fetch_page(f"{http_server.base}/loop", LOCAL)
    assert http_server.hits.count("/loop") == 6


async def test_non_html_is_refused(http_server: ScriptedServer) -> None:
    with pytest.raises(FetchError, match="not an HTML page"):
        await fetch_page(f"{http_server.base}/json", LOCAL)


async def test_pages_are_cached_by_url_hash(http_server: ScriptedServer, tmp_path: Path) -> None:
    options = FetchOptions(allow_private=True, cache_dir=tmp_path / "cache")
    url = f"{http_server.base}/page"
    first = await fetch_page(url, options)
    second = await fetch_page(url, options)
    assert first == second
    assert http_server.hits == ["/page"]
    assert (tmp_path / "cache" / f"{hashlib.sha256(url.encode()).hexdigest()}.json").is_file()


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.216.34", True), ("2606:2800:220:1:248:1893:25c8:1946", True),
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("0.0.0.0", False), ("224.0.0.1", False), ("240.0.0.1", False),
    ("100.64.0.1", False), ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False),
    ("ff02::1", False), ("::ffff:127.0.0.1", False), ("::ffff:10.0.0.1", False),
])
def test_public_address_rule(address: str, public: bool) -> None:
    assert is_public_address(ipaddress.ip_address(address)) is public
