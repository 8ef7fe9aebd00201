"""The shipped pattern-library priors (package data ``adloom/data/patterns.yaml``).

Priors are lore, not evidence: they load with ``source="prior"`` and ``observations=0`` whatever the file
says, so nothing shipped can pass itself off as performance-learned.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from adloom import yamlutil
from adloom.types import Pattern

__all__ = ["PRIORS_FILE", "load_priors"]

PRIORS_FILE = "patterns.yaml"


def load_priors() -> list[Pattern]:
    """The shipped priors, one global pattern per angle type, in file order."""
    text = (resources.files("adloom") / "data" / PRIORS_FILE).read_text(encoding="utf-8")
    raw: dict[str, Any] = yamlutil.safe_load(text)
    priors = [Pattern(**{**entry, "source": "prior", "observations": 0}) for entry in raw["patterns"]]
    ids = [p.id for p in priors]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{PRIORS_FILE}: duplicate pattern ids")
    return priors
