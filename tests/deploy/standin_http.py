"""What the TikTok and Google Ads stand-ins share: a real HTTP server on 127.0.0.1 in a daemon thread, a log
of what the client sent, a per-second request budget (the platforms' QPS limits), and a fail-halfway mode.

Fail-halfway: with ``halt_after=N`` the server answers the first N object-creating requests, then holds every
later request open and sets ``halted``; the test kills the deploying process (or ``release()`` drops the held
connections), which is a deploy cut off mid-way, as a crash or a lost network would leave it.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    json: Any = None
    form: dict[str, Any] = field(default_factory=dict)     # multipart fields; files as bytes


@dataclass
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)


class StandIn:
    """Subclasses implement ``route(request) -> Answer`` and call ``created()`` once per object they create."""

    def __init__(self, *, qps: float | None = None, halt_after: int | None = None) -> None:
        self.qps = qps
        self.halt_after = halt_after
        self.creates = 0
        self.requests: list[Request] = []
        self.throttled = 0
        self.lock = threading.RLock()
        self.halted = threading.Event()
        self._release = threading.Event()
        self._recent: deque[float] = deque()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def start(self) -> StandIn:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> StandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ modes

    def release(self) -> None:
        """Leave fail-halfway mode: held requests are dropped, later ones answered normally."""
        with self.lock:
            self.halt_after = None
        self._release.set()

    def created(self, n: int = 1) -> None:
        self.creates += n

    def over_budget(self) -> bool:
        """True when this request exceeds ``qps`` requests in the last second (it is then not counted)."""
        if self.qps is None:
            return False
        now = time.monotonic()
        with self.lock:
            while self._recent and now - self._recent[0] >= 1.0:
                self._recent.popleft()
            if len(self._recent) >= self.qps:
                self.throttled += 1
                return True
            self._recent.append(now)
            return False

    def paths(self, method: str | None = None) -> list[str]:
        return [r.path for r in self.requests if method is None or r.method == method]

    def route(self, request: Request) -> Answer:
        raise NotImplementedError

    # ------------------------------------------------------------ plumbing

    def _serve(self, request: Request) -> Answer | None:
        with self.lock:
            self.requests.append(request)
            holding = self.halt_after is not None and self.creates >= self.halt_after
        if holding:
            self.halted.set()
            self._release.wait(timeout=30)
            return None
        with self.lock:
            return self.route(request)


def _parse(handler: BaseHTTPRequestHandler, method: str) -> Request:
    split = urlsplit(handler.path)
    query = {k: v[-1] for k, v in parse_qs(split.query, keep_blank_values=True).items()}
    length = int(handler.headers.get("content-length") or 0)
    body = handler.rfile.read(length) if length else b""
    headers = {k.lower(): v for k, v in handler.headers.items()}
    request = Request(method, split.path, query, headers, body)
    kind = headers.get("content-type", "")
    if body and kind.startswith("application/json"):
        request.json = json.loads(body)
    elif body and kind.startswith("application/x-www-form-urlencoded"):
        request.form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
    elif body and kind.startswith("multipart/form-data"):
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            request.form[str(name)] = payload if part.get_filename() else payload.decode()
    return request


def _handler(server: StandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def _answer(self, method: str) -> None:
            answer = server._serve(_parse(self, method))
            if answer is None:       # held, then dropped: the client sees a connection cut mid-request
                self.close_connection = True
                with contextlib.suppress(OSError):
                    self.connection.shutdown(socket.SHUT_RDWR)
                return
            payload = json.dumps(answer.body).encode()
            try:
                self.send_response(answer.status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler
