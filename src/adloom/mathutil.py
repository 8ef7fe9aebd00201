"""Small numeric helpers shared by layers that must not import each other (feedback, governance)."""

from __future__ import annotations

__all__ = ["ratio"]


def ratio(part: float, whole: float) -> float | None:
    """``part / whole``, or None when there is nothing to divide by (a rate of no trials is unknown, not 0)."""
    return part / whole if whole else None
