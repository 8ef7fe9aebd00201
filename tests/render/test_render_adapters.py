"""External image adapters against a real local HTTP server: success, 500, timeout, malformed, refusal,
and the submit-then-poll job pattern."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from PIL import Image

from adloom.errors import GenerationRefused, GeneratorTimeout, GeneratorUnavailable, InvalidResponse
from adloom.render.adapters.http import NO_TEXT
from adloom.render.adapters.jobs import JobImageGenerator
from adloom.render.adapters.openai_images import OpenAIImagesGenerator
from adloom.render.base import RenderRequest

Make = Callable[..., RenderRequest]


def _png(colour: str = "#336699") -> str:
    buf = io.BytesIO()
    Image.new("RGB", (64, 96), colour).save(buf, "PNG")
    return base64.b64encode(buf.getvalue()).decode()


class Handler(BaseHTTPRequestHandler):
    prompts: list[str] = []
    polls: dict[str, int] = {}

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, raw: bool = False) -> None:
        data = body if raw else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):   # the client gave up (timeout test)
            pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        Handler.prompts.append(body.get("prompt", ""))
        mode = self.path.split("/")[1]
        if self.path.endswith("/images/generations"):
            if mode == "ok":
                self._send(200, {"created": 1, "data": [{"b64_json": _png()}]})
            elif mode == "url":
                port = self.server.server_address[1]
                self._send(200, {"data": [{"url": f"http://127.0.0.1:{port}/files/img.png"}]})
            elif mode == "err500":
                self._send(500, {"error": {"message": "upstream exploded"}})
            elif mode == "slow":
                time.sleep(1.5)
                self._send(200, {"data": [{"b64_json": _png()}]})
            elif mode == "bad":
                self._send(200, b"{not json", raw=True)
            elif mode == "nodata":
                self._send(200, {"data": [{"b64_json": "%%%"}]})
            elif mode == "refuse":
                self._send(400, {"error": {"code": "content_policy_violation",
                                           "message": "Your request was rejected by the safety system"}})
        elif self.path.endswith("/jobs"):
            job = f"{mode}-{len(Handler.prompts)}"
            Handler.polls[job] = 0
            self._send(200, {"id": job, "status": "queued"})

    def do_GET(self) -> None:
        if self.path == "/files/img.png":
            data = base64.b64decode(_png("#993366"))
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        job = self.path.rsplit("/", 1)[1]
        Handler.polls[job] = Handler.polls.get(job, 0) + 1
        if job.startswith("jobok"):
            done = Handler.polls[job] >= 3
            self._send(200, {"id": job, "status": "succeeded" if done else "running",
                             "output": [{"b64_json": _png()}] if done else None})
        elif job.startswith("jobfail"):
            self._send(200, {"id": job, "status": "failed", "error": {"message": "moderation: refused"}})
        else:   # never finishes
            self._send(200, {"id": job, "status": "running"})


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


async def test_openai_images_b64(server: str, make_request: Make) -> None:
    gen = OpenAIImagesGenerator("gpt-image-1", base_url=f"{server}/ok/v1", api_key="test-key")
    request = make_request("meta_stories_reels", prompt="A calm bedroom at dawn")
    result = await gen.generate(request)
    with Image.open(result.path) as img:
        assert img.size == (64, 96)
    assert result.parameters["size"] == "1024x1536"          # closest ratio to 9:16
    prompt = Handler.prompts[-1]
    assert prompt.startswith("A calm bedroom at dawn") and NO_TEXT in prompt
    assert request.text.headline not in prompt                # ad text never goes to the model
    assert gen.draws_text is False and result.generator == "openai-images:gpt-image-1"


async def test_openai_images_url(server: str, make_request: Make) -> None:
    result = await OpenAIImagesGenerator(base_url=f"{server}/url/v1").generate(make_request())
    with Image.open(result.path) as img:
        assert img.getpixel((0, 0)) == (0x99, 0x33, 0x66)


@pytest.mark.parametrize(("mode", "error"), [("err500", GeneratorUnavailable), ("bad", InvalidResponse),
                                             ("nodata", InvalidResponse), ("refuse", GenerationRefused)])
async def test_openai_images_failures_are_typed(server: str, make_request: Make, mode: str,
                                                error: type[Exception]) -> None:
    with pytest.raises(error):
        await OpenAIImagesGenerator(base_url=f"{server}/{mode}/v1").generate(make_request())


async def test_openai_images_timeout(server: str, make_request: Make) -> None:
    gen = OpenAIImagesGenerator(base_url=f"{server}/slow/v1", timeout=0.3)
    with pytest.raises(GeneratorTimeout) as info:
        await gen.generate(make_request())
    assert info.value.retryable


async def test_unreachable_service(make_request: Make) -> None:
    with pytest.raises(GeneratorUnavailable):
        await OpenAIImagesGenerator(base_url="http://127.0.0.1:9/v1", timeout=1).generate(make_request())


async def test_job_api_polls_until_done(server: str, make_request: Make) -> None:
    gen = JobImageGenerator("sdxl", base_url=f"{server}/jobok/v1", poll_interval=0.01)
    result = await gen.generate(make_request())
    assert result.path.is_file() and Handler.polls[result.parameters["job"]] == 3


async def test_job_api_failure_and_deadline(server: str, make_request: Make) -> None:
    with pytest.raises(GenerationRefused, match="moderation"):
        await JobImageGenerator(base_url=f"{server}/jobfail/v1", poll_interval=0.01).generate(make_request())
    with pytest.raises(GeneratorTimeout, match="not done"):
        await JobImageGenerator(base_url=f"{server}/jobslow/v1", poll_interval=0.02,
                                deadline=0.2).generate(make_request())


async def test_stage_lays_our_text_over_a_service_background(server: str, brand: Any, tmp_path: Any) -> None:
    from adloom.pipeline.render import assets
    from adloom.render.fake import fake_concept
    from tests.render.helpers import RESTWAVE_DIR

    service = OpenAIImagesGenerator(base_url=f"{server}/ok/v1")
    outcome = await assets([fake_concept()], brand, tmp_path, placements=["meta_feed_square", "tiktok_infeed"],
                           generators={"background": service, "video": None, "brief_pdf": None,
                                       "brief_md": None}, brand_dir=RESTWAVE_DIR)
    assert outcome.errors == [] and len(outcome.assets) == 2
    assert all(a.generator.startswith("static:") for a in outcome.assets)     # our renderer drew the text
    assert len(list((tmp_path / "assets" / "_sources").glob("*_bg.png"))) == 2
