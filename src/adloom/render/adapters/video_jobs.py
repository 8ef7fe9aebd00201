"""Video-generation services on the async-job interface: Runway and Kling.

Both follow ``JobImageGenerator``'s pattern (submit, poll until done, a deadline, typed errors); only the
wire format differs, so each adapter overrides the URLs, the submit body and how a status is read. The
clip is made from the concept's first shot (``RenderRequest.prompt``, never ad text) and stored as MP4;
it carries no captions or voice: our own animatic remains the default ``video`` generator.

Wire formats, as documented by the vendors (checked for this adapter; see the tests' stand-ins):

* Runway (``runway:<model>``, default ``gen4_turbo``): ``POST {base}/text_to_video`` with
  ``{"model", "promptText", "ratio": "720:1280", "duration"}``, headers ``Authorization: Bearer`` and
  ``X-Runway-Version``; ``GET {base}/tasks/{id}`` -> ``{"status": PENDING|THROTTLED|RUNNING|SUCCEEDED|FAILED,
  "output": [url], "failure"}``. Key: ``RUNWAYML_API_SECRET``; base URL ``ADLOOM_RUNWAY_URL``.
* Kling (``kling:<model>``, default ``kling-v1``): ``POST {base}/v1/videos/text2video`` with
  ``{"model_name", "prompt", "duration", "aspect_ratio"}`` -> ``{"code": 0, "data": {"task_id"}}``;
  ``GET {base}/v1/videos/text2video/{task_id}`` -> ``data.task_status`` submitted|processing|succeed|failed,
  ``data.task_result.videos[0].url``. Auth is a short-lived HS256 JWT signed with ``KLING_SECRET_KEY`` for
  ``KLING_ACCESS_KEY``; base URL ``ADLOOM_KLING_URL``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
from pathlib import Path
from typing import Any, ClassVar

import httpx

from adloom.errors import GeneratorUnavailable, InvalidResponse
from adloom.render.adapters.http import raise_for
from adloom.render.adapters.jobs import JobImageGenerator
from adloom.render.base import AssetKind, RenderRequest, RenderResult
from adloom.types import sha256_file

NO_TEXT_VIDEO = "No on-screen text, captions, logos or watermarks."


class JobVideoGenerator(JobImageGenerator):
    """A job API whose output is a video file (fetched by URL), stored as MP4."""

    kinds: ClassVar[tuple[AssetKind, ...]] = ("video",)
    ratios: ClassVar[dict[str, str]] = {"9:16": "9:16", "1:1": "1:1", "16:9": "16:9"}
    seconds: ClassVar[int] = 5

    def prompt_for(self, request: RenderRequest) -> str:
        visual = request.prompt or (request.script.beats[0].visual if request.script and request.script.beats
                                    else f"An advertising clip for {request.brand_name}")
        return f"{visual}. {NO_TEXT_VIDEO}"

    def ratio_for(self, request: RenderRequest) -> str:
        w, h = request.placement.width, request.placement.height
        key = "9:16" if h > w * 1.2 else "16:9" if w > h * 1.2 else "1:1"
        return self.ratios[key]

    async def output_bytes(self, client: httpx.AsyncClient, item: Any) -> bytes:
        url = item if isinstance(item, str) else item.get("url") if isinstance(item, dict) else None
        if not isinstance(url, str):
            raise InvalidResponse(f"{self.service}: the finished job names no video URL")
        response = await client.get(url)
        raise_for(response, self.service)
        return response.content

    def save(self, request: RenderRequest, data: bytes, parameters: dict[str, Any]) -> RenderResult:
        if data[4:8] != b"ftyp":           # an MP4 opens with its 'ftyp' box
            raise InvalidResponse(f"{self.service}: the returned bytes are not an MP4 video")
        path: Path = request.out_stem.with_suffix(".mp4")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return RenderResult(path=path, media_type="video/mp4", kind="video", width=request.placement.width,
                            height=request.placement.height, duration=float(self.seconds),
                            sha256=sha256_file(path), generator=self.service, parameters=parameters)


class RunwayVideoGenerator(JobVideoGenerator):
    id: ClassVar[str] = "runway"
    ratios: ClassVar[dict[str, str]] = {"9:16": "720:1280", "1:1": "960:960", "16:9": "1280:720"}
    API_VERSION: ClassVar[str] = "2024-11-06"

    def __init__(self, model: str | None = None, *, base_url: str | None = None, api_key: str | None = None,
                 **kwargs: Any) -> None:
        super().__init__(model or "gen4_turbo",
                         base_url=base_url or os.environ.get("ADLOOM_RUNWAY_URL", "https://api.dev.runwayml.com/v1"),
                         api_key=api_key or os.environ.get("RUNWAYML_API_SECRET"), **kwargs)

    def client(self) -> httpx.AsyncClient:
        if not self.api_key:
            raise GeneratorUnavailable("runway: no API key; set RUNWAYML_API_SECRET")
        headers = {"Authorization": f"Bearer {self.api_key}", "X-Runway-Version": self.API_VERSION}
        return httpx.AsyncClient(headers=headers, timeout=self.timeout, transport=self.transport)

    def submit_url(self) -> str:
        return f"{self.base_url}/text_to_video"

    def status_url(self, job: str) -> str:
        return f"{self.base_url}/tasks/{job}"

    def submit_body(self, request: RenderRequest) -> dict[str, Any]:
        return {"model": self.model, "promptText": self.prompt_for(request), "ratio": self.ratio_for(request),
                "duration": self.seconds}

    def read_status(self, body: dict[str, Any]) -> tuple[str, Any, str | None]:
        status = str(body.get("status", "")).lower()
        output = body.get("output")
        failure = body.get("failure") or body.get("failureCode")
        return status, (output[0] if isinstance(output, list) and output else None), \
            (str(failure) if failure else None)


class KlingVideoGenerator(JobVideoGenerator):
    id: ClassVar[str] = "kling"

    def __init__(self, model: str | None = None, *, base_url: str | None = None, access_key: str | None = None,
                 secret_key: str | None = None, **kwargs: Any) -> None:
        super().__init__(model or "kling-v1",
                         base_url=base_url or os.environ.get("ADLOOM_KLING_URL", "https://api-singapore.klingai.com"),
                         **kwargs)
        self.access_key = access_key or os.environ.get("KLING_ACCESS_KEY")
        self.secret_key = secret_key or os.environ.get("KLING_SECRET_KEY")

    def client(self) -> httpx.AsyncClient:
        if not (self.access_key and self.secret_key):
            raise GeneratorUnavailable("kling: no keys; set KLING_ACCESS_KEY and KLING_SECRET_KEY")
        token = kling_token(self.access_key, self.secret_key)
        return httpx.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=self.timeout,
                                 transport=self.transport)

    def submit_url(self) -> str:
        return f"{self.base_url}/v1/videos/text2video"

    def status_url(self, job: str) -> str:
        return f"{self.base_url}/v1/videos/text2video/{job}"

    def submit_body(self, request: RenderRequest) -> dict[str, Any]:
        return {"model_name": self.model, "prompt": self.prompt_for(request), "duration": str(self.seconds),
                "aspect_ratio": self.ratio_for(request)}

    def job_id(self, body: dict[str, Any]) -> str:
        data = _data(body)
        if body.get("code") not in (0, None) or not isinstance(data.get("task_id"), str):
            raise InvalidResponse(f"{self.service}: submit refused or has no task id: {body.get('message', '')}")
        return str(data["task_id"])

    def read_status(self, body: dict[str, Any]) -> tuple[str, Any, str | None]:
        data = _data(body)
        status = str(data.get("task_status", "")).lower()
        status = "succeeded" if status == "succeed" else status
        videos = (data.get("task_result") or {}).get("videos") if isinstance(data.get("task_result"), dict) else None
        item = videos[0] if isinstance(videos, list) and videos else None
        return status, item, (str(data.get("task_status_msg")) if data.get("task_status_msg") else None)


def _data(body: dict[str, Any]) -> dict[str, Any]:
    data = body.get("data")
    return data if isinstance(data, dict) else {}


def kling_token(access_key: str, secret_key: str, now: float | None = None, ttl: int = 1800) -> str:
    """The HS256 JWT Kling's API expects: issuer the access key, valid from 5 s ago for ``ttl`` seconds."""
    issued = int(now if now is not None else time.time())

    def part(obj: dict[str, Any]) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    head = f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'iss': access_key, 'exp': issued + ttl, 'nbf': issued - 5})}"
    signature = hmac.new(secret_key.encode(), head.encode(), hashlib.sha256).digest()
    return f"{head}.{base64.urlsafe_b64encode(signature).rstrip(b'=').decode()}"
