"""Fetching pages listed in urls.txt without becoming a tool for reaching the user's own network.

Each hop of a request is checked before any connection: only http/https, and the host must resolve to
public addresses unless ``allow_private``. The connection then goes to the address we checked (the URL is
pinned to it, with the original Host header and TLS server name), so a DNS answer that changes between
the check and the connect cannot redirect us. Redirects are followed by hand so every hop is checked.
"""

from __future__ import annotations

import asyncio
import hashlib
import ipaddress
import json
import os
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from adloom.errors import FetchError

if TYPE_CHECKING:       # httpx (~0.05 s of imports) loads when a page is fetched, not with every `adloom run`
    import httpx

MAX_REDIRECTS = 5
_REDIRECTS = {301, 302, 303, 307, 308}
_HTML_TYPES = ("text/html", "application/xhtml+xml")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchOptions:
    allow_private: bool = False       # allow private, loopback and link-local targets (a local dev server)
    timeout: float = 10.0             # seconds for the whole fetch of one URL, redirects included
    max_bytes: int = 5_000_000        # a body past this is refused, not truncated
    cache_dir: Path | None = None     # pages cached by URL; a rerun reuses them without fetching


@dataclass(frozen=True)
class FetchedPage:
    url: str          # as listed
    final_url: str    # after redirects
    html: str


def is_public_address(ip: IPAddress) -> bool:
    """Globally routable unicast only: no private, loopback, link-local, reserved, multicast, unspecified."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return is_public_address(ip.ipv4_mapped)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


async def fetch_page(url: str, options: FetchOptions, client: httpx.AsyncClient | None = None) -> FetchedPage:
    """The page at ``url``, from the cache when present. Raises FetchError with a one-line reason."""
    cached = _read_cache(options.cache_dir, url)
    if cached:
        return cached
    import httpx

    try:
        async with asyncio.timeout(options.timeout):
            if client is None:
                async with http_client(options) as own_client:
                    page = await _fetch(url, options, own_client)
            else:
                page = await _fetch(url, options, client)
    except TimeoutError as exc:
        raise FetchError(f"timed out after {options.timeout:g} s") from exc
    except httpx.TimeoutException as exc:
        raise FetchError(f"timed out after {options.timeout:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError(f"request failed: {type(exc).__name__}: {exc}") from exc
    _write_cache(options.cache_dir, page)
    return page


def http_client(options: FetchOptions) -> httpx.AsyncClient:
    """A client suitable for ``fetch_page``; share one across URLs to reuse connections."""
    # trust_env=False: a proxy from the environment would connect on our behalf and bypass the address check.
    # No keep-alive: connections are pooled by (pinned) address, and a TLS connection opened for one host
    # name must not be reused for another host that happens to share its address.
    import httpx

    return httpx.AsyncClient(follow_redirects=False, trust_env=False, timeout=options.timeout,
                             limits=httpx.Limits(max_keepalive_connections=0),
                             headers={"User-Agent": "adloom (brand ingest)"})


async def _fetch(url: str, options: FetchOptions, client: httpx.AsyncClient) -> FetchedPage:
    import httpx

    current = httpx.URL(url)
    for _ in range(MAX_REDIRECTS + 1):
        request = await _pinned_request(client, current, options)
        response = await client.send(request, stream=True)
        try:
            if response.status_code in _REDIRECTS and "location" in response.headers:
                current = current.join(response.headers["location"])
                continue
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code}")
            content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type and content_type not in _HTML_TYPES:
                raise FetchError(f"not an HTML page (content-type {content_type})")
            body = await _read_limited(response, options.max_bytes)
            return FetchedPage(url=url, final_url=str(current), html=_decode(body, response))
        finally:
            await response.aclose()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


async def _pinned_request(client: httpx.AsyncClient, url: httpx.URL, options: FetchOptions) -> httpx.Request:
    if url.scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs are fetched, not {url.scheme or 'a relative URL'}")
    if not url.host:
        raise FetchError("URL has no host")
    address = await _checked_address(url.host, url.port or (443 if url.scheme == "https" else 80), options)
    headers = {"Host": url.netloc.decode("ascii")}
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    return client.build_request("GET", url.copy_with(host=str(address)), headers=headers,
                                extensions=extensions)


async def _checked_address(host: str, port: int, options: FetchOptions) -> IPAddress:
    try:
        infos = await asyncio.to_thread(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"cannot resolve host {host!r}") from exc
    addresses = [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]
    if not addresses:
        raise FetchError(f"cannot resolve host {host!r}")
    if not options.allow_private:
        # refuse if any answer is private: a mixed answer is a classic way to slip past a check
        for address in addresses:
            if not is_public_address(address):
                raise FetchError(f"refused: {host} resolves to non-public address {address} "
                                 "(set allow_private to fetch from private networks)")
    return addresses[0]


async def _read_limited(response: httpx.Response, max_bytes: int) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"too large: {declared} bytes, limit {max_bytes}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"too large: more than {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, response: httpx.Response) -> str:
    encoding = response.charset_encoding or "utf-8"
    try:
        return body.decode(encoding, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _cache_path(cache_dir: Path, url: str) -> Path:
    return cache_dir / f"{hashlib.sha256(url.encode()).hexdigest()}.json"


def _read_cache(cache_dir: Path | None, url: str) -> FetchedPage | None:
    if cache_dir is None:
        return None
    path = _cache_path(cache_dir, url)
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None     # absent or damaged: fetch again
    if not isinstance(entry, dict) or entry.get("url") != url:
        return None
    return FetchedPage(url=url, final_url=str(entry.get("final_url", url)), html=str(entry.get("html", "")))


def _write_cache(cache_dir: Path | None, page: FetchedPage) -> None:
    if cache_dir is None:
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    entry = json.dumps({"url": page.url, "final_url": page.final_url, "html": page.html})
    # write then rename, so an interrupted run never leaves a half page that a rerun would trust
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=cache_dir, delete=False,
                                     suffix=".tmp") as handle:
        handle.write(entry)
    os.replace(handle.name, _cache_path(cache_dir, page.url))
