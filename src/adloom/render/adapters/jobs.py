"""Async-job image APIs (the Runway / Kling / Stability pattern): submit, then poll until done.

``JobImageGenerator`` speaks a small generic dialect -- ``POST {base}/jobs`` -> ``{"id", "status"}``,
``GET {base}/jobs/{id}`` -> ``{"status": queued|running|succeeded|failed, "output": [{b64_json|url}],
"error": ...}``. A vendor adapter subclasses it and overrides the three wire methods (``submit_body``,
``job_id``, ``read_status``); the polling, deadline and error translation stay here.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any, ClassVar

import httpx

from adloom.errors import ConfigError, GenerationRefused, GeneratorTimeout, InvalidResponse, RenderError
from adloom.render.adapters.base import ImageServiceGenerator
from adloom.render.adapters.http import REFUSAL_MARKERS, image_bytes, request_json
from adloom.render.base import RenderRequest, RenderResult

DONE = {"succeeded", "completed", "success", "done"}
FAILED = {"failed", "error", "cancelled", "canceled", "rejected"}


class JobImageGenerator(ImageServiceGenerator):
    id: ClassVar[str] = "image-jobs"
    sizes: ClassVar[tuple[str, ...]] = ("1024x1024", "768x1344", "1344x768")

    def __init__(self, model: str | None = None, *, base_url: str | None = None, poll_interval: float = 1.0,
                 deadline: float = 300.0, **kwargs: Any) -> None:
        base_url = base_url or os.environ.get("ADLOOM_IMAGE_JOBS_URL")
        if not base_url:
            raise ConfigError("image-jobs needs the service's base URL: set ADLOOM_IMAGE_JOBS_URL", field="generator")
        kwargs.setdefault("api_key", os.environ.get("ADLOOM_IMAGE_JOBS_KEY"))
        super().__init__(model, base_url=base_url, **kwargs)
        self.poll_interval = poll_interval
        self.deadline = deadline

    # -- wire format: override these three for a vendor
    def submit_body(self, request: RenderRequest) -> dict[str, Any]:
        w, _, h = self.size_for(request).partition("x")
        return {"model": self.model, "prompt": self.prompt_for(request), "width": int(w), "height": int(h)}

    def job_id(self, body: dict[str, Any]) -> str:
        job = body.get("id")
        if not isinstance(job, str) or not job:
            raise InvalidResponse(f"{self.service}: submit answer has no job id")
        return job

    def read_status(self, body: dict[str, Any]) -> tuple[str, Any, str | None]:
        """(status, first output item or None, error message or None)."""
        status = str(body.get("status", "")).lower()
        output = body.get("output")
        item = output[0] if isinstance(output, list) and output else None
        error = body.get("error")
        message = str(error.get("message", error) if isinstance(error, dict) else error) if error else None
        return status, item, message

    def submit_url(self) -> str:
        return f"{self.base_url}/jobs"

    def status_url(self, job: str) -> str:
        return f"{self.base_url}/jobs/{job}"

    async def output_bytes(self, client: httpx.AsyncClient, item: Any) -> bytes:
        return await image_bytes(client, item, self.service)

    # -- the pattern
    async def generate(self, request: RenderRequest) -> RenderResult:
        payload = self.submit_body(request)
        started = time.monotonic()
        async with self.client() as client:
            job = self.job_id(await request_json(client, "POST", self.submit_url(), self.service, json=payload))
            while True:
                status, item, error = self.read_status(
                    await request_json(client, "GET", self.status_url(job), self.service))
                if status in DONE:
                    if item is None:
                        raise InvalidResponse(f"{self.service}: job {job} finished without output")
                    data = await self.output_bytes(client, item)
                    break
                if status in FAILED:
                    text = f"{self.service}: job {job} {status}: {error or 'no reason given'}"
                    if error and any(m in error.lower() for m in REFUSAL_MARKERS):
                        raise GenerationRefused(text)
                    raise RenderError(text)
                if time.monotonic() - started > self.deadline:
                    raise GeneratorTimeout(f"{self.service}: job {job} not done after {self.deadline:g} s")
                await asyncio.sleep(self.poll_interval)
        return self.save(request, data, {"model": self.model, "job": job, "prompt": payload.get("prompt")})
