"""The authenticated Graph API client the Meta publisher talks through: JSON in and out, paging, pacing from
the usage headers, and Graph error codes translated into ``DeployError``s with one-line messages.

Why httpx and not the official ``facebook-business`` SDK: the SDK can only be pointed elsewhere by overwriting
``FacebookSession.GRAPH`` (a class attribute, joined with a separate version string), it is synchronous
(``requests``) where adloom's I/O is async, and its ``init`` turns on a crash reporter by default. The wire
format is small and documented; this module is that format and nothing more.

The token travels in the ``Authorization`` header, never in a URL, and every message built from a platform
answer is scrubbed of it (``credentials.scrub``): an error body can echo the request back.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from adloom.deploy.credentials import scrub
from adloom.deploy.ratelimit import Pacer, Sleep, backoff
from adloom.errors import (
    CredentialsExpired,
    DeployError,
    InvalidParameter,
    PermissionMissing,
    PlatformRateLimited,
    PlatformUnavailable,
    PolicyRejected,
)

__all__ = ["GraphClient", "graph_error", "usage_of"]

# Graph API error codes (Marketing API "Error Codes" reference and the rate-limiting pages):
RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
PERMISSION_CODES = frozenset({3, 10, *range(200, 300)})
TRANSIENT_CODES = frozenset({1, 2})
EXPIRED_TOKEN_CODES = frozenset({102, 190})
POLICY_CODES = frozenset({368})
POLICY_SUBCODES = range(1487000, 1488000)        # under code 100: creative / ad review refusals


def usage_of(headers: Mapping[str, str]) -> tuple[float, float]:
    """(highest usage percentage, seconds until access returns) from Meta's three usage headers.

    ``X-App-Usage``: {"call_count", "total_cputime", "total_time"} in percent. ``X-Ad-Account-Usage``:
    {"acc_id_util_pct", "reset_time_duration" (s)}. ``X-Business-Use-Case-Usage``: {business id: [{"type",
    "call_count", "total_cputime", "total_time", "estimated_time_to_regain_access" (minutes)}]}.
    A header that is missing or not JSON counts as no usage.
    """
    highest, regain = 0.0, 0.0
    app = _json_header(headers, "x-app-usage")
    if isinstance(app, dict):
        highest = max([highest, *(_num(app.get(k)) for k in ("call_count", "total_cputime", "total_time"))])
    account = _json_header(headers, "x-ad-account-usage")
    if isinstance(account, dict):
        pct = _num(account.get("acc_id_util_pct"))
        highest = max(highest, pct)
        if pct >= 100:
            regain = max(regain, _num(account.get("reset_time_duration")))
    buc = _json_header(headers, "x-business-use-case-usage")
    if isinstance(buc, dict):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict):
                    highest = max([highest, *(_num(entry.get(k))
                                              for k in ("call_count", "total_cputime", "total_time"))])
                    regain = max(regain, 60.0 * _num(entry.get("estimated_time_to_regain_access")))
    return highest, regain


def _json_header(headers: Mapping[str, str], name: str) -> Any:
    raw = headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _num(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


def graph_error(status: int, body: Any, *, secrets: list[str], what: str,
                retry_after: float | None = None) -> DeployError:
    """The ``DeployError`` for a Graph error body ({"error": {"message", "type", "code", "error_subcode",
    "error_user_title", "error_user_msg", "error_data", "fbtrace_id"}}); ``what`` says which call failed."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return PlatformUnavailable(f"{what}: HTTP {status} without a Graph error body", platform="meta",
                                   code=status)
    code = int(_num(err.get("code")))
    sub = int(_num(err.get("error_subcode")))
    user_title = scrub(str(err.get("error_user_title") or ""), secrets)
    user_msg = scrub(str(err.get("error_user_msg") or ""), secrets)
    message = scrub(str(err.get("message") or ""), secrets)
    label = f"{code}/{sub}" if sub else str(code)
    detail = "; ".join(p for p in (user_title, user_msg or message) if p) or message
    if code in EXPIRED_TOKEN_CODES:
        return CredentialsExpired(f"{what}: the access token is expired or was revoked (Graph code {label}); set a "
                                  "new ADLOOM_META_ACCESS_TOKEN or keyring entry", platform="meta", code=label)
    if code in PERMISSION_CODES:
        return PermissionMissing(f"{what}: the token lacks a permission for this account (Graph code {label}): "
                                 f"{detail}; it needs ads_management on the ad account", platform="meta", code=label)
    if code in RATE_LIMIT_CODES:
        return PlatformRateLimited(f"{what}: rate limited by Meta (Graph code {label}): {detail}", platform="meta",
                                   code=label, retry_after=retry_after)
    if code in POLICY_CODES or (code == 100 and sub in POLICY_SUBCODES):
        return PolicyRejected(detail or "refused by Meta's ad review", platform="meta", code=label)
    if code == 100:
        return InvalidParameter(f"{what}: invalid parameter (Graph code {label}): {detail}", platform="meta",
                                code=label, field=_blamed_field(err))
    if code in TRANSIENT_CODES or err.get("is_transient") or status >= 500:
        return PlatformUnavailable(f"{what}: Meta is unavailable (Graph code {label}): {detail}", platform="meta",
                                   code=label)
    return DeployError(f"{what}: Graph code {label}: {detail}", platform="meta", code=label)


def _blamed_field(err: dict[str, Any]) -> str | None:
    data = err.get("error_data")
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except ValueError:
            data = None
    specs = data.get("blame_field_specs") if isinstance(data, dict) else None
    if isinstance(specs, list) and specs:
        first = specs[0]
        return ".".join(str(p) for p in first) if isinstance(first, list) else str(first)
    return None


class GraphClient:
    """One ad account's view of the Graph API at ``base`` (e.g. https://graph.facebook.com/v26.0)."""

    def __init__(self, base: str, token: str, *, timeout: float = 60.0, retries: int = 3,
                 pacer: Pacer | None = None, sleep: Sleep | None = None,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base = base.rstrip("/")
        self._secrets = [token]
        self.pacer = pacer or (Pacer(sleep=sleep) if sleep else Pacer())
        self.retries = retries
        self.requests = 0
        self._client = httpx.AsyncClient(timeout=timeout, transport=transport,
                                         headers={"Authorization": f"Bearer {token}"})

    async def aclose(self) -> None:
        await self._client.aclose()

    def scrub(self, text: str) -> str:
        return scrub(text, self._secrets)

    async def get(self, path: str, params: Mapping[str, Any] | None = None, *, what: str) -> dict[str, Any]:
        return await self._call("GET", self._url(path), params=_encode(params), what=what)

    async def post(self, path: str, data: Mapping[str, Any], *, what: str,
                   files: Mapping[str, tuple[str, bytes, str]] | None = None) -> dict[str, Any]:
        return await self._call("POST", self._url(path), data=_encode(data), files=files, what=what)

    async def pages(self, path: str, params: Mapping[str, Any] | None = None, *,
                    what: str) -> AsyncIterator[dict[str, Any]]:
        """Every item of an edge, following ``paging.next`` (only to the same origin as ``base``)."""
        url: str | None = self._url(path)
        query: dict[str, str] | None = _encode(params)
        origin = urlsplit(self.base)[:2]
        while url:
            body = await self._call("GET", url, params=query, what=what)
            for item in body.get("data") or []:
                if isinstance(item, dict):
                    yield item
            nxt = (body.get("paging") or {}).get("next")
            url, query = (nxt, None) if isinstance(nxt, str) and urlsplit(nxt)[:2] == origin else (None, None)

    def _url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    async def _call(self, method: str, url: str, *, what: str, params: dict[str, str] | None = None,
                    data: dict[str, str] | None = None,
                    files: Mapping[str, tuple[str, bytes, str]] | None = None) -> dict[str, Any]:
        attempt = 0
        while True:
            attempt += 1
            await self.pacer.before_request()
            try:
                self.requests += 1
                response = await self._client.request(method, url, params=params, data=data, files=files)
            except httpx.HTTPError as exc:
                # a POST that timed out may have landed: never resent blind, the rerun's lookups settle it
                if method == "GET" and attempt <= self.retries:
                    await self.pacer.sleep(backoff(attempt))
                    continue
                raise PlatformUnavailable(f"{what}: {type(exc).__name__} talking to {self.base}",
                                          platform="meta") from None
            self.pacer.observe(*usage_of(response.headers))
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code < 400 and isinstance(body, dict) and "error" not in body:
                return body
            error = graph_error(response.status_code, body, secrets=self._secrets, what=what,
                                retry_after=_retry_after(response.headers))
            retry = isinstance(error, PlatformRateLimited) or (isinstance(error, PlatformUnavailable)
                                                               and method == "GET")
            if retry and attempt <= self.retries:
                await self.pacer.sleep(backoff(attempt, retry_after=error.retry_after
                                               or (self.pacer.regain or None)))
                continue
            raise error


def _retry_after(headers: Mapping[str, str]) -> float | None:
    value = headers.get("retry-after")
    try:
        return float(value) if value else None
    except ValueError:
        return None


def _encode(params: Mapping[str, Any] | None) -> dict[str, str] | None:
    """Graph parameters: scalars as text, lists and objects as JSON (as the API reference shows them)."""
    if params is None:
        return None
    out: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, dict | list | tuple):
            out[key] = json.dumps(value, separators=(",", ":"))
        else:
            out[key] = str(value)
    return out
