"""Tokens to money, and a run's writer calls summed per stage (read from the store by ``pipeline.calls``).

The price table is data: the shipped ``pricing.yaml`` or a user's file with the same shape. A writer id
with no entry is *unpriced* (cost 0, flagged), never silently guessed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from adloom import yamlutil
from adloom.errors import ConfigError

__all__ = ["CallFigures", "Price", "PriceTable", "StageUsage", "stage_of", "usage_by_stage"]


@dataclass(frozen=True)
class Price:
    input: float     # per ``per_tokens`` input tokens
    output: float


@dataclass(frozen=True)
class PriceTable:
    prices: dict[str, Price]
    per_tokens: int = 1_000_000
    currency: str = "USD"

    @classmethod
    def load(cls, path: Path | str | None = None) -> PriceTable:
        """The table at ``path``, or the shipped default."""
        try:
            if path is None:
                text = resources.files("adloom.writers").joinpath("pricing.yaml").read_text(encoding="utf-8")
            else:
                text = Path(path).read_text(encoding="utf-8")
            data = yamlutil.safe_load(text) or {}
            prices = {str(k): Price(float(v["input"]), float(v["output"])) for k, v in data["models"].items()}
        except (OSError, yaml.YAMLError, KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"price table unreadable: {exc}", file=str(path) if path else "pricing.yaml") from exc
        return cls(prices, int(data.get("per_tokens", 1_000_000)), str(data.get("currency", "USD")))

    def price(self, writer_id: str) -> Price | None:
        """Exact id first, then the longest matching pattern (most specific wins)."""
        if writer_id in self.prices:
            return self.prices[writer_id]
        matches = [p for p in self.prices if fnmatch.fnmatchcase(writer_id, p)]
        return self.prices[max(matches, key=len)] if matches else None

    def cost(self, writer_id: str, input_tokens: int, output_tokens: int) -> float | None:
        price = self.price(writer_id)
        if price is None:
            return None
        return round((input_tokens * price.input + output_tokens * price.output) / self.per_tokens, 8)


# ---------------------------------------------------------------- per-stage usage

_STAGES = {"brand": "brand", "angles": "angles", "concept": "concepts", "rewrite": "concepts",
           "verify": "verify"}


def stage_of(template: str) -> str:
    """The pipeline stage a prompt template serves: ``rewrite@1`` -> ``concepts``."""
    name = template.partition("@")[0]
    return _STAGES.get(name, name or "other")


@dataclass
class StageUsage:
    calls: int = 0                 # rows: model calls made plus cache hits
    cache_hits: int = 0
    errors: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    unpriced_calls: int = 0
    latency_ms: float = 0.0        # summed over calls
    max_latency_ms: float = 0.0
    writers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["cost"] = round(self.cost, 6)
        out["latency_ms"] = round(self.latency_ms, 1)
        out["mean_latency_ms"] = round(self.latency_ms / max(1, self.calls - self.cache_hits), 1)
        return out


class CallFigures(NamedTuple):
    """What the usage totals read of one writer-call row (not its request and reply bodies)."""

    template: str
    writer_id: str
    cache_hit: int
    failed: bool
    input_tokens: int
    output_tokens: int
    cost: float
    latency_ms: float
    priced: bool | None      # None: a row written before the flag existed, counted as priced


def usage_by_stage(rows: Iterable[CallFigures]) -> dict[str, dict[str, Any]]:
    """Sum writer-call rows per stage, plus a ``total`` entry; what the run summary and report show."""
    stages: dict[str, StageUsage] = {}
    for row in rows:
        for key in (stage_of(row.template), "total"):
            usage = stages.setdefault(key, StageUsage())
            usage.calls += 1
            usage.cache_hits += int(bool(row.cache_hit))
            usage.errors += int(row.failed)
            usage.input_tokens += row.input_tokens
            usage.output_tokens += row.output_tokens
            usage.cost += row.cost
            usage.unpriced_calls += int(row.priced is False)
            usage.latency_ms += 0.0 if row.cache_hit else row.latency_ms
            usage.max_latency_ms = max(usage.max_latency_ms, row.latency_ms)
            if row.writer_id not in usage.writers:
                usage.writers.append(row.writer_id)
    return {k: v.as_dict() for k, v in stages.items()}
