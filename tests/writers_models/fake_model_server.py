"""A fake OpenAI-protocol model server that takes time the way a real one does. For the writer benchmark.

It is not a model: its answers come from the offline formula writer (``server.formula_responder``). What
it imitates is a serving engine's timing, so the benchmark sees what a real server does to a run:

- latency = time to first token (queueing for a slot + prompt tokens / prefill rate)
            + output tokens / per-stream decode rate;
- a finite number of concurrent streams (slots); requests beyond them wait in a FIFO queue;
- per-stream decode speed falling as the batch grows, and prefill shared by the prompts being read.

Default rates are llama.cpp's own published batched-decoding figures (``examples/batched-bench/README.md``
in ggerganov/llama.cpp: LLaMA 7B F16 on one GPU, PP=128, TG=128): text generation 41.57 t/s with one
sequence; 50.90 t/s in all at B=2, 74.44 at 4, 139.43 at 8, 242.23 at 16, 465.40 at 32, i.e. 41.6, 25.5,
18.6, 17.4, 15.1 and 14.5 t/s per stream; prompt processing ~1,200-1,370 t/s in all. ``slots`` defaults to
8 (llama.cpp's ``--parallel``; vLLM's scheduler would take more, each slower).

For the scale-out fault tests it can also refuse: with ``throttle_every=3`` every third request (counted
across all clients) is answered 429 with ``Retry-After``, and every request is logged with its wall-clock
time and status, so a test counts requests per second as the provider would.

A share of answers is made to fail on purpose, so the pipeline's repair paths run: ``invalid_share`` of
first replies do not validate (the writer re-asks), ``governance_share`` of first drafts carry a forbidden
term or an unapproved claim (governance sends the concept back to be written again). Which answers fail
is decided by a hash of the prompt: the same run fails the same calls.

``speed`` runs the clock faster than life (speed=20: a 40 s call takes 2 s), so the benchmark can sweep
concurrency in minutes; every figure the server logs is in simulated seconds, and the benchmark turns
wall time into simulated seconds the same way.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from bisect import bisect_right
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from tests.writers_models.server import ModelServer, Reply, _first_user, _schema_name, envelope, formula_responder

# per-stream decode tokens/s by batch size, from the llama.cpp figures above
LLAMACPP_DECODE: dict[int, float] = {1: 41.57, 2: 25.45, 4: 18.61, 8: 17.43, 16: 15.14, 32: 14.54}
LLAMACPP_PREFILL = 1200.0      # prompt tokens/s, shared by the requests reading their prompts


@dataclass
class Profile:
    slots: int = 8
    prefill: float = LLAMACPP_PREFILL
    decode: dict[int, float] = field(default_factory=lambda: dict(LLAMACPP_DECODE))
    speed: float = 20.0
    invalid_share: float = 0.1
    governance_share: float = 0.1
    throttle_every: int = 0        # answer the n-th request 429 when n % throttle_every == 0 (0: never)
    retry_after: float = 1.0       # ... with this Retry-After (seconds)

    def per_stream(self, batch: int) -> float:
        """Decode tokens/s of each stream when ``batch`` are decoding (step-wise between measured sizes)."""
        sizes = sorted(self.decode)
        return self.decode[sizes[max(0, bisect_right(sizes, max(1, batch)) - 1)]]

    def alone(self, prompt_tokens: int, output_tokens: int) -> float:
        """Simulated seconds a request takes with the server to itself."""
        return prompt_tokens / self.prefill + output_tokens / self.per_stream(1)


@dataclass
class Served:
    """One request as the server saw it; times in simulated seconds since the server started."""

    kind: str
    angle: str | None
    segment: str | None
    stage: str              # "draft" (a first draft and its re-asks) or "rewrite" (after governance)
    fault: str | None
    prompt_tokens: int
    output_tokens: int
    received: float
    admitted: float = 0.0
    first_token: float = 0.0
    done: float = 0.0
    alone: float = 0.0
    status: int = 200
    wall: float = 0.0       # time.time() at receipt: comparable across processes (requests per second)
    prompt_hash: str = ""   # the same request retried has the same hash


@dataclass
class _Stream:
    served: Served
    prefill_left: float
    decode_left: float
    finished: threading.Event = field(default_factory=threading.Event)


class Engine:
    """The scheduler: a thread that advances every stream in small steps of the simulated clock."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.start = time.perf_counter()
        self.queue: deque[_Stream] = deque()
        self.active: list[_Stream] = []
        self.log: list[Served] = []
        self.lock = threading.Lock()
        self.wake = threading.Event()
        threading.Thread(target=self._loop, daemon=True).start()

    def now(self) -> float:
        return (time.perf_counter() - self.start) * self.profile.speed

    def submit(self, served: Served) -> None:
        stream = _Stream(served, float(served.prompt_tokens), float(served.output_tokens))
        served.alone = self.profile.alone(served.prompt_tokens, served.output_tokens)
        with self.lock:
            self.log.append(served)
            self.queue.append(stream)
        self.wake.set()
        stream.finished.wait()

    def _loop(self) -> None:
        last = self.now()
        while True:
            self.wake.wait(0.002)
            self.wake.clear()
            now = self.now()
            with self.lock:
                self._advance(now - last, now)
                while self.queue and len(self.active) < self.profile.slots:
                    stream = self.queue.popleft()
                    stream.served.admitted = now
                    self.active.append(stream)
            last = now

    def _advance(self, dt: float, now: float) -> None:
        reading = [s for s in self.active if s.prefill_left > 0]
        decoding = [s for s in self.active if s.prefill_left <= 0]
        for stream in reading:            # prompts share the prefill rate
            stream.prefill_left -= dt * self.profile.prefill / len(reading)
            if stream.prefill_left <= 0:
                stream.served.first_token = now
        rate = self.profile.per_stream(len(self.active))
        for stream in decoding:
            stream.decode_left -= dt * rate
            if stream.decode_left <= 0:
                stream.served.done = now
                self.active.remove(stream)
                stream.finished.set()


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


def _id_after(prompt: str, label: str) -> str | None:
    marker = "\n" + label
    if marker not in prompt:
        return None
    for line in prompt[prompt.index(marker) + 1:].splitlines()[1:]:
        if line.startswith("{"):
            return str(json.loads(line).get("id"))
    return None


def _share(prompt: str, salt: str) -> float:
    return int(hashlib.sha256((salt + prompt).encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def _stage(request: dict[str, Any], prompt: str) -> str:
    system = " ".join(m["content"] for m in request.get("messages", []) if m["role"] == "system")
    rewrite = "you repair it" in system or '"previous_findings":[]' not in prompt.replace(" ", "")
    return "rewrite" if rewrite else "draft"


def _fault(request: dict[str, Any], prompt: str, profile: Profile) -> str | None:
    """Which failure, if any, this answer carries. Only first tries fail: a re-ask (the conversation has a
    reply in it) and a rewrite (after governance's findings) are answered well."""
    if _schema_name(request) != "ConceptDraft" or len(request.get("messages", [])) > 2 \
            or _stage(request, prompt) != "draft":
        return None
    if _share(prompt, "invalid") < profile.invalid_share:
        return "invalid"
    if _share(prompt, "governance") < profile.governance_share:
        return "governance"
    return None


def _faulty(text: str, fault: str | None, prompt: str) -> str:
    if fault == "invalid":
        return json.dumps({"framework": "AIDA", "hooks": "none yet"})
    if fault == "governance":
        draft = json.loads(text)
        draft["hooks"][0]["text"] = "Cures insomnia, guaranteed"      # an unapproved health claim
        return json.dumps(draft)
    return text


class FakeModelServer(ModelServer):
    """The scripted ``ModelServer``, timed by an ``Engine``; ``GET /fake/log`` returns what it served."""

    def __init__(self, profile: Profile) -> None:
        super().__init__("openai", responder=self._respond)
        self.profile = profile
        self.engine = Engine(profile)
        self.count = 0          # requests received, 429s included

    def _respond(self, request: dict[str, Any]) -> Reply:
        received, wall = self.engine.now(), time.time()
        prompt = _first_user(request)
        digest = hashlib.sha256(json.dumps(request.get("messages", ""), sort_keys=True).encode()).hexdigest()[:16]
        with self.engine.lock:
            self.count += 1
            throttled = bool(self.profile.throttle_every) and self.count % self.profile.throttle_every == 0
            if throttled:       # refused before any work, as a provider's gateway does
                self.engine.log.append(Served(kind=_schema_name(request), angle=None, segment=None, stage="draft",
                                              fault="429", prompt_tokens=0, output_tokens=0, received=received,
                                              status=429, wall=wall, prompt_hash=digest))
        if throttled:
            return Reply(429, {"error": {"message": "rate limit reached (fake)", "type": "rate_limit_exceeded",
                                         "code": None}},
                         headers={"retry-after": f"{self.profile.retry_after:g}"})
        reply = formula_responder(request)
        text = reply.body["__text__"] if isinstance(reply.body, dict) else ""
        fault = _fault(request, prompt, self.profile)
        text = _faulty(text, fault, prompt)
        concept = _schema_name(request) == "ConceptDraft"
        served = Served(kind=_schema_name(request), angle=_id_after(prompt, "ANGLE") if concept else None,
                        segment=_id_after(prompt, "SEGMENT") if concept else None,
                        stage=_stage(request, prompt) if concept else "draft", fault=fault, received=received,
                        prompt_tokens=_tokens(json.dumps(request.get("messages", ""))),
                        output_tokens=_tokens(text), wall=wall, prompt_hash=digest)
        self.engine.submit(served)
        return Reply(body=envelope("openai", request, text))

    def served(self) -> list[dict[str, Any]]:
        with self.engine.lock:
            return [asdict(s) for s in self.engine.log]


def _serve_in_child(profile: Profile, port: Any, stop: Any, logs: Any) -> None:
    server = FakeModelServer(profile).start()
    port.put(server.httpd.server_address[1])
    while not stop.wait(0.05):
        pass
    logs.put(server.served())
    server.stop()


@dataclass
class Running:
    base_url: str
    profile: Profile
    _logs: Any
    _stop: Any
    _log: list[dict[str, Any]] | None = None

    def log(self) -> list[dict[str, Any]]:
        """Every request served, once the server has stopped."""
        if self._log is None:
            self._stop.set()
            self._log = self._logs.get(timeout=30)
        return self._log


@contextmanager
def fake_model_server(profile: Profile | None = None) -> Iterator[Running]:
    """The fake in its own process (a model server computes on its own hardware, not in the client's
    interpreter). ``running.log()`` stops it and returns the requests it served."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    port, stop, logs = ctx.Queue(), ctx.Event(), ctx.Queue()
    profile = profile or Profile()
    child = ctx.Process(target=_serve_in_child, args=(profile, port, stop, logs), daemon=True)
    child.start()
    running = Running(f"http://127.0.0.1:{port.get(timeout=60)}/v1", profile, logs, stop)
    try:
        yield running
    finally:
        running.log()
        child.join(timeout=5)
