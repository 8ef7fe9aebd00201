"""One model budget shared by every process through Redis: requests and tokens per minute.

``writers.ratelimit`` keeps one process inside a provider's budget; ten Celery workers each holding it
would spend ten budgets. Here the budget's state lives in Redis and is changed by one Lua script, so the
check and the charge are one atomic step for every process on every machine:

- each limit is a GCRA (generic cell rate algorithm): one key holding the *theoretical arrival time*
  (TAT), on Redis's own clock (``TIME``), so workers on machines with skewed clocks still agree;
- a call **reserves** its request and its estimated tokens in one script run and is told how long to wait;
  it sleeps that long and goes. Callers are served in the order they reserved, with no polling and no
  lost wake-ups; a reservation is never taken back, so a worker killed while waiting only wastes its slot
  (the budget errs on the side of the provider);
- tokens used beyond the estimate are charged after the call (the next callers wait for them), tokens
  estimated but not used are given back;
- a provider's ``429`` with ``Retry-After`` pauses *every* process until then: the provider's budget is
  the shared one, so one worker's refusal is everyone's. The error still goes up to ``writers.retry``,
  which waits at least ``Retry-After`` and tries again through this budget.

While Redis is unreachable (restarting), a call waits and reconnects rather than going over the budget or
failing the unit; only after ``unreachable_timeout`` does it fail, with a ``WriterError`` naming the host.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import redis
from redis.commands.core import AsyncScript, Script

from adloom.errors import RateLimited, WriterError
from adloom.writers.base import OutT, Task, Writer
from adloom.writers.layer import WriterLayer
from adloom.writers.ratelimit import BURST_SECONDS
from adloom.writers.retry import retry_after_of
from adloom.writers.structured import REASK_GATE, Message, capture

__all__ = ["Budget", "SharedBudget", "SharedBudgetWriter"]

# KEYS: requests TAT, tokens TAT, pause-until.  ARGV: seconds per request, request burst (seconds of
# tolerance), seconds per token, token burst, tokens reserved.  An interval of 0 means "no such limit".
# Returns the seconds to wait, as a string (Lua numbers become integers on the way out).
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local pause = tonumber(redis.call('GET', KEYS[3]) or '0')
local start = math.max(now, pause)
local go = start
local function reserve(key, interval, tolerance, amount)
  if interval <= 0 then return end
  local tat = math.max(tonumber(redis.call('GET', key) or '0'), start)
  local new_tat = tat + amount * interval
  go = math.max(go, new_tat - tolerance)
  redis.call('SET', key, string.format('%.6f', new_tat), 'PX', math.ceil((new_tat - now + 60) * 1000))
end
reserve(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), 1)
reserve(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]))
return string.format('%.6f', go - now)
"""

# KEYS: tokens TAT.  ARGV: seconds per token, tokens to charge (negative: give back).  A refund never
# takes the TAT before now (a full bucket holds no more than its burst).
_ADJUST = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local new_tat = math.max(now, tat + tonumber(ARGV[2]) * tonumber(ARGV[1]))
redis.call('SET', KEYS[1], string.format('%.6f', new_tat), 'PX', math.ceil((new_tat - now + 60) * 1000))
return 'ok'
"""

# KEYS: pause-until.  ARGV: seconds.  Only ever moves the pause later.
_PAUSE = """
local t = redis.call('TIME')
local until_ = tonumber(t[1]) + tonumber(t[2]) / 1000000 + tonumber(ARGV[1])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > current then
  redis.call('SET', KEYS[1], string.format('%.6f', until_), 'PX', math.ceil((tonumber(ARGV[1]) + 60) * 1000))
end
return 'ok'
"""


@dataclass(frozen=True)
class Budget:
    """Per-minute limits and how much of each may be spent at once (``burst``, in units; at least one)."""

    rpm: float | None = None
    tpm: float | None = None
    request_burst: float | None = None     # default: BURST_SECONDS' worth, as the in-process limiter
    token_burst: float | None = None       # default: a whole minute's worth

    def intervals(self) -> tuple[float, float, float, float]:
        """Seconds per request, request tolerance, seconds per token, token tolerance (0: no limit)."""
        per_request = 60.0 / self.rpm if self.rpm else 0.0
        per_token = 60.0 / self.tpm if self.tpm else 0.0
        requests = self.request_burst or (max(1.0, self.rpm * BURST_SECONDS / 60.0) if self.rpm else 0.0)
        tokens = self.token_burst or (self.tpm or 0.0)
        return per_request, requests * per_request, per_token, tokens * per_token

    def max_tokens(self) -> float:
        """The most one reservation may hold: a call larger than the bucket waits for a full bucket."""
        return self.token_burst or self.tpm or 0.0


def _where(client: redis.Redis) -> str:
    """host:port/db of the client, never its password."""
    kwargs = client.connection_pool.connection_kwargs
    return f"{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


class SharedBudget:
    """A budget named ``name`` (a provider account and model) in the Redis at ``url``; share the name to
    share the budget. Thread-safe; one instance may serve many event loops (calls run on a thread)."""

    def __init__(self, client: redis.Redis, name: str, budget: Budget, *, prefix: str = "adloom:budget",
                 unreachable_timeout: float = 60.0) -> None:
        self.client = client
        self.name = name
        self.budget = budget
        self.keys = [f"{prefix}:{name}:requests", f"{prefix}:{name}:tokens", f"{prefix}:{name}:pause"]
        self.unreachable_timeout = unreachable_timeout
        self._reserve: Script | AsyncScript = client.register_script(_RESERVE)
        self._adjust: Script | AsyncScript = client.register_script(_ADJUST)
        self._pause: Script | AsyncScript = client.register_script(_PAUSE)

    @classmethod
    def from_url(cls, url: str, name: str, budget: Budget, **options: Any) -> SharedBudget:
        # short socket timeouts: a restarting Redis is noticed in a second and retried, not hung on
        client = redis.Redis.from_url(url, socket_timeout=5.0, socket_connect_timeout=2.0)
        return cls(client, name, budget, **options)

    def _call(self, script: Script | AsyncScript, keys: list[str], args: list[float]) -> Any:
        """Run ``script``, reconnecting while Redis is down (a restart) for up to ``unreachable_timeout``."""
        deadline = time.monotonic() + self.unreachable_timeout
        delay = 0.1
        while True:
            try:
                return script(keys=keys, args=args)    # EVALSHA, and EVAL again after a restart's NOSCRIPT
            except (redis.ConnectionError, redis.TimeoutError) as exc:
                if time.monotonic() + delay > deadline:
                    raise WriterError(f"shared model budget '{self.name}': Redis at {_where(self.client)} "
                                      f"unreachable for {self.unreachable_timeout:g}s: {type(exc).__name__}") from exc
                time.sleep(delay)
                delay = min(2.0, delay * 2)

    def reserve(self, tokens: float) -> float:
        """Take one request and ``tokens`` tokens; the seconds to wait before using them."""
        per_request, request_tol, per_token, token_tol = self.budget.intervals()
        amount = min(tokens, self.budget.max_tokens()) if per_token else 0.0
        wait = self._call(self._reserve, self.keys,
                          [per_request, request_tol, per_token, token_tol, amount])
        return max(0.0, float(wait))

    def adjust(self, tokens: float) -> None:
        """Charge ``tokens`` more (negative: give them back)."""
        per_token = self.budget.intervals()[2]
        if per_token and tokens:
            self._call(self._adjust, self.keys[1:2], [per_token, tokens])

    def pause(self, seconds: float) -> None:
        """Nobody sharing the budget calls for ``seconds`` (the provider said so)."""
        if seconds > 0:
            self._call(self._pause, self.keys[2:3], [seconds])

    def reset(self) -> None:
        """Forget the budget's state (tests, and an operator after changing the limits)."""
        self.client.delete(*self.keys)


class SharedBudgetWriter(WriterLayer):
    """Waits for the shared budget before each call; charges the tokens the call really used; turns a
    provider's ``Retry-After`` into a pause for every process sharing the budget, then lets it go up to the
    retry layer. Tokens are estimated as ``writers.ratelimit`` does (prompt characters / 4 + output)."""

    def __init__(self, inner: Writer, budget: SharedBudget, *, expected_output_tokens: int = 1500) -> None:
        super().__init__(inner)
        self.budget = budget
        self.expected_output_tokens = expected_output_tokens
        self.waited: list[float] = []      # seconds each call waited for the budget, for tests and figures

    async def _take(self, tokens: int) -> None:
        wait = await asyncio.to_thread(self.budget.reserve, tokens)
        self.waited.append(wait)
        if wait > 0:
            await asyncio.sleep(wait)

    async def run(self, task: Task[OutT]) -> OutT:
        estimated = len(task.model_dump_json()) // 4 + self.expected_output_tokens

        async def before_reask(messages: list[Message]) -> None:     # a re-ask is a request too
            nonlocal estimated
            tokens = len(json.dumps(messages)) // 4 + self.expected_output_tokens
            estimated += tokens
            await self._take(tokens)

        await self._take(estimated)
        gate = REASK_GATE.set(before_reask)
        with capture() as exchange:
            try:
                return await self.inner.run(task)
            except RateLimited as exc:
                asked = retry_after_of(exc)
                if asked:
                    await asyncio.to_thread(self.budget.pause, asked)
                raise
            finally:
                REASK_GATE.reset(gate)
                used = exchange.input_tokens + exchange.output_tokens
                if used:        # a call that failed before the model answered keeps its estimate charged
                    await asyncio.to_thread(self.budget.adjust, used - estimated)
