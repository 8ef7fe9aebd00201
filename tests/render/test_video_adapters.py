"""Runway and Kling adapters against local stand-ins of their documented APIs (a real HTTP server on
127.0.0.1 that answers slowly, fails a job on request and refuses a missing key); nothing here reaches the
vendors. The stand-ins are fakes of the vendors' wire formats and are named so."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from adloom.errors import GeneratorTimeout, GeneratorUnavailable, InvalidResponse, RenderError
from adloom.render.adapters.video_jobs import KlingVideoGenerator, RunwayVideoGenerator, kling_token
from adloom.render.base import RenderRequest
from adloom.render.registry import get_generator

Make = Callable[..., RenderRequest]
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64     # an MP4 header is enough here
SLOW = 0.15        # seconds every answer of the stand-in takes


class FakeVendorHandler(BaseHTTPRequestHandler):
    """Fake Runway (/v1/text_to_video, /v1/tasks/{id}) and fake Kling (/v1/videos/text2video[/{id}])."""

    jobs: dict[str, dict[str, Any]] = {}
    seen: list[tuple[str, dict[str, str], dict[str, Any]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, raw: bytes | None = None) -> None:
        time.sleep(SLOW)
        data = raw if raw is not None else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "video/mp4" if raw is not None else "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.seen.append((self.path, dict(self.headers), body))
        if not self.headers.get("Authorization", "").startswith("Bearer "):
            return self._send(401, {"error": "missing key"})
        prompt = body.get("promptText") or body.get("prompt") or ""
        mode = "fail" if "FAIL" in prompt else "never" if "NEVER" in prompt else "bytes" if "JUNK" in prompt else "ok"
        job = f"job{len(self.jobs) + 1}"
        self.jobs[job] = {"polls": 0, "mode": mode}
        if self.path == "/v1/text_to_video":
            if self.headers.get("X-Runway-Version") != "2024-11-06":
                return self._send(400, {"error": "missing X-Runway-Version"})
            return self._send(200, {"id": job})
        if self.path == "/v1/videos/text2video":
            return self._send(200, {"code": 0, "message": "SUCCEED", "data": {"task_id": job,
                                                                               "task_status": "submitted"}})
        self._send(404, {"error": "no such route"})

    def do_GET(self) -> None:
        if self.path.startswith("/files/"):
            return self._send(200, None, raw=b"not a video" if "junk" in self.path else MP4)
        job_id = self.path.rsplit("/", 1)[-1]
        job = self.jobs.get(job_id)
        if job is None:
            return self._send(404, {"error": "no such task"})
        job["polls"] += 1
        done = job["polls"] >= 2 and job["mode"] != "never"
        url = f"http://{self.headers['Host']}/files/{'junk' if job['mode'] == 'bytes' else job_id}.mp4"
        if self.path.startswith("/v1/tasks/"):
            status = "RUNNING" if not done else "FAILED" if job["mode"] == "fail" else "SUCCEEDED"
            return self._send(200, {"id": job_id, "status": status, "output": [url] if status == "SUCCEEDED" else None,
                                    "failure": "content moderation" if status == "FAILED" else None})
        status = "processing" if not done else "failed" if job["mode"] == "fail" else "succeed"
        self._send(200, {"code": 0, "data": {"task_id": job_id, "task_status": status,
                                             "task_status_msg": "safety policy" if status == "failed" else "",
                                             "task_result": {"videos": [{"id": "v1", "url": url, "duration": "5"}]}
                                             if status == "succeed" else {}}})


@pytest.fixture
def vendor() -> Iterator[str]:
    FakeVendorHandler.jobs, FakeVendorHandler.seen = {}, []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeVendorHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _runway(base: str, **kw: Any) -> RunwayVideoGenerator:
    return RunwayVideoGenerator(base_url=f"{base}/v1", api_key="rw-test", poll_interval=0.05, **kw)


def _kling(base: str, **kw: Any) -> KlingVideoGenerator:
    return KlingVideoGenerator(base_url=base, access_key="ak", secret_key="sk", poll_interval=0.05, **kw)


@pytest.mark.parametrize("adapter", [_runway, _kling])
async def test_a_slow_job_is_polled_to_an_mp4(vendor: str, make_request: Make, adapter: Any) -> None:
    gen = adapter(vendor)
    request = make_request("meta_feed_square", kind="video",
                           prompt="Runner stretching at dawn")
    result = await gen.generate(request)
    assert result.kind == "video" and result.media_type == "video/mp4" and result.path.suffix == ".mp4"
    assert result.path.read_bytes() == MP4 and result.parameters["job"] == "job1"
    body = FakeVendorHandler.seen[0][2]
    prompt = body.get("promptText") or body.get("prompt")
    assert prompt.startswith("Runner stretching at dawn") and "No on-screen text" in prompt
    assert (body.get("ratio") or body.get("aspect_ratio")) in ("960:960", "1:1")


async def test_runway_sends_its_version_header_and_a_kling_token_verifies(vendor: str, make_request: Make) -> None:
    await _runway(vendor).generate(make_request(kind="video", prompt="Shot"))
    assert FakeVendorHandler.seen[0][1]["X-Runway-Version"] == "2024-11-06"
    await _kling(vendor).generate(make_request(kind="video", prompt="Shot"))
    token = FakeVendorHandler.seen[1][1]["Authorization"].removeprefix("Bearer ")
    head, payload, signature = token.split(".")
    expected = hmac.new(b"sk", f"{head}.{payload}".encode(), hashlib.sha256).digest()
    assert base64.urlsafe_b64decode(signature + "==") == expected
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    assert claims["iss"] == "ak" and claims["nbf"] < time.time() < claims["exp"]
    assert kling_token("ak", "sk", now=1000) == kling_token("ak", "sk", now=1000)


@pytest.mark.parametrize("adapter", [_runway, _kling])
async def test_a_failed_job_a_stuck_job_and_junk_bytes_are_typed_errors(vendor: str, make_request: Make,
                                                                         adapter: Any) -> None:
    with pytest.raises(RenderError, match="job1 failed"):
        await adapter(vendor).generate(make_request(kind="video", prompt="FAIL please"))
    with pytest.raises(GeneratorTimeout, match="not done after"):
        await adapter(vendor, deadline=0.5).generate(make_request(kind="video", prompt="NEVER ends"))
    with pytest.raises(InvalidResponse, match="not an MP4"):
        await adapter(vendor).generate(make_request(kind="video", prompt="JUNK output"))


async def test_missing_keys_and_an_unreachable_service(make_request: Make, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("RUNWAYML_API_SECRET", "KLING_ACCESS_KEY", "KLING_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(GeneratorUnavailable, match="RUNWAYML_API_SECRET"):
        await RunwayVideoGenerator().generate(make_request(kind="video"))
    with pytest.raises(GeneratorUnavailable, match="KLING_ACCESS_KEY"):
        await KlingVideoGenerator().generate(make_request(kind="video"))
    with pytest.raises(GeneratorUnavailable, match="unreachable"):
        await _runway("http://127.0.0.1:9").generate(make_request(kind="video"))


def test_selected_by_string_with_keys_and_urls_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADLOOM_RUNWAY_URL", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("RUNWAYML_API_SECRET", "rw")
    runway = get_generator("runway:gen4_turbo")
    assert isinstance(runway, RunwayVideoGenerator) and runway.model == "gen4_turbo"
    assert runway.base_url == "http://127.0.0.1:1/v1" and runway.api_key == "rw" and runway.kinds == ("video",)
    assert isinstance(get_generator("kling"), KlingVideoGenerator)
