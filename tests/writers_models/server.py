"""Local model servers for tests and the benchmark: OpenAI and Anthropic protocols on 127.0.0.1.

Each server runs in a daemon thread and answers from a script: a queue of ``Reply`` objects first, then a
responder function (by default ``formula_responder``, which answers like a well-behaved model by
rebuilding the task from the prompt and running the offline formula writer on it). Every request body is
kept in ``server.requests`` so tests can check what the SDK really sent.
"""

from __future__ import annotations

import json
import os
import re
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

from adloom.types import Angle, BrandObject, Constraints, Segment, content_hash
from adloom.writers.base import ConceptTask
from adloom.writers.formula import write_concept

Protocol = Literal["openai", "anthropic"]


@dataclass
class Reply:
    """One scripted answer: a status and body, an optional delay, or a dropped connection."""

    status: int = 200
    body: dict[str, Any] | str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drop: bool = False


def text_reply(content: str) -> Reply:
    """A 200 whose model text is ``content``, in whichever protocol the server speaks (filled in later)."""
    return Reply(body={"__text__": content})


Responder = Callable[[dict[str, Any]], Reply]


class ModelServer:
    def __init__(self, protocol: Protocol = "openai", *, responder: Responder | None = None,
                 api_key: str = "test-key", models: set[str] | None = None, delay: float = 0.0) -> None:
        self.protocol = protocol
        self.responder = responder or formula_responder
        self.api_key = api_key
        self.models = models
        self.delay = delay
        self.queue: list[Reply] = []
        self.requests: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        port = self.httpd.server_address[1]
        return f"http://127.0.0.1:{port}/v1" if self.protocol == "openai" else f"http://127.0.0.1:{port}"

    def script(self, *replies: Reply) -> None:
        with self.lock:
            self.queue.extend(replies)

    def start(self) -> ModelServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -------------------------------------------------------------- answering

    def answer(self, headers: dict[str, str], body: dict[str, Any]) -> Reply:
        with self.lock:
            self.requests.append(body)
            queued = self.queue.pop(0) if self.queue else None
        # OpenAI sends a bearer token; Anthropic's SDK sends x-api-key or (newer releases) a bearer token
        auth = headers.get("authorization", "") + " " + headers.get("x-api-key", "")
        if self.api_key not in auth:
            return Reply(401, _error(self.protocol, "invalid api key", "authentication_error"))
        if self.models is not None and body.get("model") not in self.models:
            return Reply(404, _error(self.protocol, f"model '{body.get('model')}' not found", "not_found_error"))
        reply = queued or self.responder(body)
        if self.delay and not reply.delay:
            reply.delay = self.delay
        if isinstance(reply.body, dict) and "__text__" in reply.body:
            reply.body = envelope(self.protocol, body, reply.body["__text__"])
        return reply


def _error(protocol: Protocol, message: str, kind: str) -> dict[str, Any]:
    if protocol == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"message": message, "type": kind, "code": None}}


def envelope(protocol: Protocol, request: dict[str, Any], text: str) -> dict[str, Any]:
    """Wrap model text in the protocol's response body, with token counts from the sizes."""
    prompt_tokens = len(json.dumps(request.get("messages", ""))) // 4 + len(str(request.get("system", ""))) // 4
    completion_tokens = max(1, len(text) // 4)
    if protocol == "openai":
        return {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                "model": request.get("model", ""),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens,
                          "total_tokens": prompt_tokens + completion_tokens}}
    tools = request.get("tools") or []
    try:
        block: dict[str, Any] = ({"type": "tool_use", "id": "toolu_test", "name": tools[0]["name"],
                                  "input": json.loads(text)} if tools else {"type": "text", "text": text})
    except ValueError:
        block = {"type": "text", "text": text}     # malformed JSON can only travel as text
    return {"id": "msg_test", "type": "message", "role": "assistant", "model": request.get("model", ""),
            "content": [block], "stop_reason": "tool_use" if block["type"] == "tool_use" else "end_turn",
            "stop_sequence": None, "usage": {"input_tokens": prompt_tokens, "output_tokens": completion_tokens}}


def _handler(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out as two writes: with Nagle's algorithm on, the body then waits for the
        # client's delayed ACK (~40 ms on a kept-alive connection), which no real model server adds
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:   # quiet
            pass

        def do_POST(self) -> None:
            received = time.perf_counter()
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            reply = server.answer({k.lower(): v for k, v in self.headers.items()}, body)
            if reply.delay:    # a fixed latency from receipt, however long composing the answer took
                time.sleep(max(0.0, reply.delay - (time.perf_counter() - received)))
            if reply.drop:
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            payload = (reply.body if isinstance(reply.body, str) else json.dumps(reply.body or {})).encode()
            try:
                self.send_response(reply.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass      # the client gave up waiting (timeout tests)

    return Handler


@contextmanager
def serve(protocol: Protocol = "openai", **options: Any) -> Iterator[ModelServer]:
    server = ModelServer(protocol, **options).start()
    try:
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- a well-behaved model


def _schema_name(request: dict[str, Any]) -> str:
    fmt = request.get("response_format") or {}
    if fmt.get("type") == "json_schema":
        return str(fmt["json_schema"]["name"])
    for tool in request.get("tools") or []:
        return str(tool["name"]).removeprefix("emit_")
    system = str(request.get("system", "")) + " ".join(
        m["content"] for m in request.get("messages", []) if m["role"] == "system")
    for name, marker in (("ConceptDraft", "write one ad concept"), ("ConceptDraft", "you repair it"),
                         ("BrandObject", "brand object"), ("AngleList", "creative angles"),
                         ("SecondOpinion", "second-opinion")):
        if marker in system:
            return name
    return "ConceptDraft"


def section_json(prompt: str, label: str) -> Any:
    """The JSON on the first line starting with '{' or '[' after the line starting with ``label``."""
    start = prompt.index("\n" + label) + 1
    for line in prompt[start:].splitlines()[1:]:
        if line.startswith(("{", "[")):
            return json.loads(line)
    raise ValueError(f"no JSON after {label}")


def _first_user(request: dict[str, Any]) -> str:
    for message in request.get("messages", []):
        if message["role"] == "user":
            content = message["content"]
            return content if isinstance(content, str) else " ".join(b.get("text", "") for b in content)
    return ""


def formula_responder(request: dict[str, Any]) -> Reply:
    """Answer as a model would, with the offline writer's output for the task the prompt describes."""
    prompt = _first_user(request)
    name = _schema_name(request)
    if name == "ConceptDraft":
        constraints = Constraints.model_validate(section_json(prompt, "CONSTRAINTS"))
        task = ConceptTask(brand=BrandObject.model_validate(section_json(prompt, "BRAND")),
                           angle=Angle.model_validate(section_json(prompt, "ANGLE")),
                           segment=Segment.model_validate(section_json(prompt, "SEGMENT")),
                           constraints=constraints, seed=content_hash(prompt),
                           attempt=1 + bool(constraints.previous_findings))
        return text_reply(write_concept(task).model_dump_json())
    if name == "AngleList":
        candidates = section_json(prompt, "CANDIDATES")
        n = int(re.search(r"Choose exactly (\d+)", json.dumps(request)).group(1))  # type: ignore[union-attr]
        return text_reply(json.dumps({"angles": candidates[:n]}))
    if name == "BrandObject":
        return text_reply(json.dumps(section_json(prompt, "BASELINE")))
    return text_reply(json.dumps({"agree": True, "issues": [], "unsupported_claims": []}))


def _below_client_priority() -> None:
    """This thread at nice +10 (Linux: per thread), so the stand-in's work yields to the client's."""
    if sys.platform == "linux":
        thread = threading.get_native_id()
        with suppress(OSError):     # a sandbox that forbids it: the stand-in still answers
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + 10))


def _serve_in_child(protocol: Protocol, delay: float, port: Any, stop: Any) -> None:
    # A real model computes on its own hardware; this stand-in shares the client's two cores. Its
    # answers are composed by one worker thread below the client's priority, and its request threads
    # take the GIL back from that worker within half a millisecond, so each request is timed from its
    # arrival rather than from whenever the worker let go, and the fixed latency stays fixed.
    sys.setswitchinterval(0.0005)
    composer = ThreadPoolExecutor(max_workers=1, initializer=_below_client_priority)
    server = ModelServer(protocol, delay=delay,
                         responder=lambda request: composer.submit(formula_responder, request).result()).start()
    port.put(server.httpd.server_address[1])
    stop.wait()
    server.stop()


@contextmanager
def serve_in_process(protocol: Protocol = "openai", *, delay: float = 0.0) -> Iterator[str]:
    """A well-behaved server in its own process (as a real model server is), so its CPU work does not
    compete with the client for the GIL; yields the base URL. For the benchmark."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    port, stop = ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_serve_in_child, args=(protocol, delay, port, stop), daemon=True)
    child.start()
    try:
        number = port.get(timeout=60)
        yield f"http://127.0.0.1:{number}/v1" if protocol == "openai" else f"http://127.0.0.1:{number}"
    finally:
        stop.set()
        child.join(timeout=5)
