"""Pacing for platform clients: slow down as reported usage climbs, back off when throttled.

Platforms report how much of a limit a caller has used (Meta: ``X-Business-Use-Case-Usage``,
``X-App-Usage``, ``X-Ad-Account-Usage`` as percentages; TikTok: QPS limits). ``Pacer.observe`` takes the
highest usage seen and any "time until access returns"; ``Pacer.before_request`` then waits — nothing under
``slow_at`` percent, growing linearly to ``max_delay`` at 100 %, and the platform's own regain time when it
gives one. ``backoff`` is the retry schedule once a rate-limit error does come back: exponential with full
jitter, never shorter than a Retry-After the platform sent.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

Sleep = Callable[[float], Awaitable[None]]

__all__ = ["Pacer", "Sleep", "backoff"]


@dataclass
class Pacer:
    slow_at: float = 75.0            # percent of a limit from which requests are spaced out
    max_delay: float = 20.0          # seconds between requests at 100 % usage
    max_regain_wait: float = 300.0   # longer than this the caller gets an error instead of a silent wait
    sleep: Sleep = asyncio.sleep
    usage: float = 0.0               # the highest percentage in the last response
    regain: float = 0.0              # seconds the platform said until access returns
    waited: list[float] = field(default_factory=list)   # every wait, for tests and the summary

    def observe(self, usage_percent: float, regain_seconds: float = 0.0) -> None:
        self.usage = max(0.0, float(usage_percent))
        self.regain = max(0.0, float(regain_seconds))

    def delay(self) -> float:
        """Seconds to wait before the next request, from what the last response reported."""
        if self.regain > 0:
            return min(self.regain, self.max_regain_wait)
        if self.usage < self.slow_at:
            return 0.0
        share = min(1.0, (self.usage - self.slow_at) / max(1e-9, 100.0 - self.slow_at))
        return round(self.max_delay * share, 3)

    async def before_request(self) -> None:
        wait = self.delay()
        if wait > 0:
            self.waited.append(wait)
            await self.sleep(wait)


def backoff(attempt: int, *, base: float = 2.0, cap: float = 60.0, retry_after: float | None = None,
            rng: random.Random | None = None) -> float:
    """Seconds before retry ``attempt`` (1-based): full jitter under ``base * 2**(attempt-1)``, capped,
    and never less than the platform's Retry-After."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    wait = (rng or random).uniform(0, ceiling)
    return max(wait, retry_after or 0.0)
