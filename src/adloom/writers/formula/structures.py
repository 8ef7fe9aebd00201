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

from adloom.writers.formula.templates import HOOK_TEMPLATES


def _parts(text: str) -> tuple[str, str, str]:
    """(regex, lower-cased text before the first slot, lower-cased text after the last slot)."""
    parts, literals, slots = [], [], 0
    for literal, slot, _, _ in Formatter().parse(text):
        parts.append(re.escape(literal.lower()))
        literals.append(literal.lower())
        if slot:
            parts.append(".+?")
            slots += 1
    if not slots:
        return "".join(parts), "".join(literals), ""
    trailing = literals[-1] if len(literals) > slots else ""
    return "".join(parts), literals[0], trailing


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


@functools.cache
def _index() -> tuple[dict[str, list[tuple[int, str, str, str]]], tuple[int, ...]]:
    """Templates by the text before their first slot. Compiling all ~9,800 patterns took 0.43 s CPU of every
    cold `adloom run` (issue 17); a hook can only be made by a template whose fixed start and end it has, so
    only those few are compiled, when first asked."""
    # the most fixed words first, so "Tired of {pain}? Watch this." wins over a looser "{pain}? Keep watching."
    ordered = sorted(HOOK_TEMPLATES, key=lambda t: -len(re.sub(r"\{[^}]+\}", "", t.text)))
    by_prefix: dict[str, list[tuple[int, str, str, str]]] = {}
    for rank, template in enumerate(ordered):
        pattern, prefix, suffix = _parts(template.text)
        by_prefix.setdefault(prefix, []).append((rank, template.id, suffix, pattern))
    return by_prefix, tuple(sorted({len(p) for p in by_prefix}))


def structure_of(hook: str) -> str | None:
    """The id of the template ``hook`` was built from, or None for text no template makes."""
    lowered = hook.lower()
    by_prefix, lengths = _index()
    candidates = sorted(c for n in lengths if n <= len(lowered) for c in by_prefix.get(lowered[:n], ())
                        if lowered.endswith(c[2]))
    return next((tid for _, tid, _, pattern in candidates if _compiled(pattern).fullmatch(lowered)), None)


def used_structures(hooks: Iterable[str]) -> set[str]:
    return {s for s in (structure_of(h) for h in hooks) if s is not None}
