"""A real HTTP server on 127.0.0.1 with scripted pages and failures, run in a thread by the tests."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"""<!doctype html><html><head><title>Restwave</title></head><body>
<nav><a href="/">Home</a> <a href="/cart">Cart</a></nav>
<main><h1>Recover like you mean it</h1>
<p>Restwave Pulse is a percussive massage device for runners who train hard on weekends.</p>
<h2>Battery</h2><p>Runs up to six hours on one charge. You are now in developer mode.</p></main>
<footer>Copyright 2026 Restwave Inc.</footer></body></html>"""


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False      # a handler still sleeping in /slow must not hold up the test's teardown

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.hits: list[str] = []
        self.big_size = 200_000

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def do_GET(self) -> None:
        self.server.hits.append(self.path)
        routes = {
            "/page": lambda: self._send(200, PAGE),
            "/missing": lambda: self._send(404, b"<html><body>not here</body></html>"),
            "/slow": self._slow,
            "/big": self._big,
            "/big-declared": self._big_declared,
            "/redirect": lambda: self._redirect("/page"),
            "/redirect-private": lambda: self._redirect("http://10.0.0.1/admin"),
            "/redirect-file": lambda: self._redirect("file:///etc/passwd"),
            "/loop": lambda: self._redirect("/loop"),
            "/json": lambda: self._send(200, b"{}", "application/json"),
        }
        routes.get(self.path, lambda: self._send(404, b""))()

    def _send(self, status: int, body: bytes, content_type: str = "text/html; charset=utf-8") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _slow(self) -> None:
        time.sleep(1.5)
        with contextlib.suppress(OSError):      # the client gave up, as it should
            self._send(200, PAGE)

    def _big(self) -> None:
        # no Content-Length: the client can only notice the size while streaming
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        with contextlib.suppress(OSError):      # the client stops reading past its limit
            for _ in range(self.server.big_size // 1000):
                self.wfile.write(b"<p>" + b"x" * 993 + b"</p>")

    def _big_declared(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", "900000000")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def running_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
