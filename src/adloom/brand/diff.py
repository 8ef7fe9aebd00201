"""A readable, field-level diff of two brand objects.

List items that carry an identity (segments and claims by id; pillars, products and offers by name) are
matched by it, so reordering is not a change and a change reads ``claims[c-1a2b3c4d].approved``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from adloom.types import BrandObject

__all__ = ["Change", "diff_brands", "format_diff"]

_IDENTITY_KEYS = ("id", "name")


@dataclass(frozen=True)
class Change:
    path: str                                     # "segments[weekend-warriors].pain_points"
    kind: Literal["added", "removed", "changed"]
    old: Any = None
    new: Any = None


def diff_brands(old: BrandObject, new: BrandObject) -> list[Change]:
    return _diff("", old.model_dump(mode="json"), new.model_dump(mode="json"))


def format_diff(changes: list[Change]) -> str:
    """One line a change: ``+`` added, ``-`` removed, ``~`` changed."""
    if not changes:
        return "no changes"
    lines = []
    for c in changes:
        if c.kind == "added":
            lines.append(f"+ {c.path}: {_show(c.new)}")
        elif c.kind == "removed":
            lines.append(f"- {c.path}: {_show(c.old)}")
        else:
            lines.append(f"~ {c.path}: {_show(c.old)} -> {_show(c.new)}")
    return "\n".join(lines)


def _diff(path: str, old: Any, new: Any) -> list[Change]:
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[Change] = []
        for key in [*old, *(k for k in new if k not in old)]:
            sub = f"{path}.{key}" if path else key
            if key not in new:
                changes.append(Change(sub, "removed", old=old[key]))
            elif key not in old:
                changes.append(Change(sub, "added", new=new[key]))
            else:
                changes += _diff(sub, old[key], new[key])
        return changes
    if isinstance(old, list) and isinstance(new, list):
        key = _identity(old + new)
        if key:
            return _diff_keyed(path, key, old, new)
        if all(not isinstance(v, dict | list) for v in old + new):
            return ([Change(path, "removed", old=v) for v in old if v not in new]
                    + [Change(path, "added", new=v) for v in new if v not in old])
    return [Change(path, "changed", old=old, new=new)]


def _identity(items: list[Any]) -> str | None:
    """The key that names each item of a list of mappings, if every item has one."""
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    return next((k for k in _IDENTITY_KEYS if all(i.get(k) for i in items)), None)


def _diff_keyed(path: str, key: str, old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Change]:
    before = {item[key]: item for item in old}
    after = {item[key]: item for item in new}
    changes: list[Change] = []
    for ident in [*before, *(i for i in after if i not in before)]:
        sub = f"{path}[{ident}]"
        if ident not in after:
            changes.append(Change(sub, "removed", old=_label(before[ident])))
        elif ident not in before:
            changes.append(Change(sub, "added", new=_label(after[ident])))
        else:
            changes += _diff(sub, before[ident], after[ident])
    return changes


def _label(item: dict[str, Any]) -> Any:
    """A whole added/removed item is shown by its most telling field, not as a wall of JSON."""
    return item.get("statement") or item.get("label") or item.get("name") or item


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 200 else text[:197] + "..."
