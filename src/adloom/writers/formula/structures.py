"""Hook structures: the template a hook was built from, recovered from its text alone.

A structure is the hook with its slot fillers taken out ("Tired of {pain}? Watch this."). Concepts of
one run only see each other's hook texts (``Constraints.avoid_hooks``), so the writer recovers which
structures those used and leads with ones not yet heard; the quality benchmark counts them the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from string import Formatter

from adloom.writers.formula.templates import HOOK_TEMPLATES, HookTemplate


def _pattern(text: str) -> re.Pattern[str]:
    parts = []
    for literal, slot, _, _ in Formatter().parse(text):
        parts.append(re.escape(literal.lower()))
        if slot:
            parts.append(".+?")
    return re.compile("".join(parts), re.DOTALL)


@functools.cache
def _patterns() -> tuple[tuple[HookTemplate, re.Pattern[str]], ...]:
    # the most fixed words first, so "Tired of {pain}? Watch this." wins over a looser "{pain}? Keep watching."
    ordered = sorted(HOOK_TEMPLATES, key=lambda t: -len(re.sub(r"\{[^}]+\}", "", t.text)))
    return tuple((t, _pattern(t.text)) for t in ordered)


def structure_of(hook: str) -> str | None:
    """The id of the template ``hook`` was built from, or None for text no template makes."""
    lowered = hook.lower()
    return next((t.id for t, pattern in _patterns() if pattern.fullmatch(lowered)), None)


def used_structures(hooks: Iterable[str]) -> set[str]:
    return {s for s in (structure_of(h) for h in hooks) if s is not None}
