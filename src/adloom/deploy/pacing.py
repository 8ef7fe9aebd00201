"""Request pacing for platforms that publish a per-second limit but no usage headers (TikTok's QPS limits,
Google Ads' per-developer rate): requests are spaced at a rate below the limit, so the client slows down
before it is throttled; a throttle answer halves the rate and waits, and a run of successes earns it back.
"""

from __future__ import annotations

import asyncio
import time


class RatePacer:
    """Spaces requests at most ``rate`` per second; ``throttled()`` backs off, ``ok()`` recovers."""

    def __init__(self, rate: float, *, floor: float = 0.5) -> None:
        self.ceiling = rate
        self.rate = rate
        self.floor = min(floor, rate)
        self.throttles = 0
        self._next = 0.0
        self._lock = asyncio.Lock()
        self._streak = 0

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = max(now, self._next) + 1.0 / self.rate

    def ok(self) -> None:
        self._streak += 1
        if self.rate < self.ceiling and self._streak >= 20:
            self.rate = min(self.ceiling, self.rate * 1.5)
            self._streak = 0

    async def throttled(self, attempt: int, retry_after: float | None = None) -> None:
        """The platform said too many requests: halve the rate and wait (its hint, or 1, 2, 4 … s)."""
        self.throttles += 1
        self._streak = 0
        self.rate = max(self.floor, self.rate / 2)
        pause = retry_after if retry_after is not None else min(30.0, 2.0 ** attempt)
        self._next = time.monotonic() + pause
        await asyncio.sleep(pause)

