"""HTTP plumbing shared by the adapters: one client call, vendor failures translated to RenderError."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import httpx

from adloom.errors import (
    GenerationRefused,
    GeneratorTimeout,
    GeneratorUnavailable,
    InvalidResponse,
    RenderError,
    UnsupportedRequest,
)

NO_TEXT = ("Do not draw any text, letters, numbers, captions, logos or watermarks: the ad copy is added "
           "afterwards.")
REFUSAL_MARKERS = ("content_policy", "safety", "moderation", "refused", "policy")


def _error_text(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    err = body.get("error", body) if isinstance(body, dict) else body
    if isinstance(err, dict):
        return str(err.get("message") or err.get("code") or err)[:300]
    return str(err)[:300]


def raise_for(response: httpx.Response, service: str) -> None:
    """Translate a non-2xx answer into the error that says whether a retry can help."""
    if response.is_success:
        return
    detail = _error_text(response)
    status = response.status_code
    where = f"{service} answered HTTP {status}: {detail}"
    if status in (400, 403, 422) and any(m in detail.lower() for m in REFUSAL_MARKERS):
        raise GenerationRefused(where)
    if status in (400, 404, 422):
        raise UnsupportedRequest(where)
    if status in (401, 403):
        raise RenderError(f"{where} (check the API key)")
    if status == 429 or status >= 500:
        raise GeneratorUnavailable(where)
    raise RenderError(where)


async def request_json(client: httpx.AsyncClient, method: str, url: str, service: str,
                       **kwargs: Any) -> dict[str, Any]:
    try:
        response = await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        raise GeneratorTimeout(f"{service} did not answer in time ({exc.__class__.__name__})") from exc
    except httpx.TransportError as exc:
        raise GeneratorUnavailable(f"{service} is unreachable: {exc}") from exc
    raise_for(response, service)
    try:
        body = response.json()
    except ValueError as exc:
        raise InvalidResponse(f"{service} answered with something that is not JSON: "
                              f"{response.text[:120]!r}") from exc
    if not isinstance(body, dict):
        raise InvalidResponse(f"{service} answered with JSON that is not an object")
    return body


async def image_bytes(client: httpx.AsyncClient, item: Any, service: str) -> bytes:
    """The image of one result item: inline ``b64_json`` or a ``url`` to fetch."""
    if not isinstance(item, dict):
        raise InvalidResponse(f"{service}: result item is not an object")
    if isinstance(item.get("b64_json"), str):
        try:
            return base64.b64decode(item["b64_json"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidResponse(f"{service}: b64_json is not valid base64") from exc
    if isinstance(item.get("url"), str):
        try:
            response = await client.get(item["url"])
        except httpx.TimeoutException as exc:
            raise GeneratorTimeout(f"{service}: fetching the image timed out") from exc
        except httpx.TransportError as exc:
            raise GeneratorUnavailable(f"{service}: fetching the image failed: {exc}") from exc
        raise_for(response, service)
        return response.content
    raise InvalidResponse(f"{service}: result has neither b64_json nor url")
