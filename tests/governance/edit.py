"""Edit a concept in place by a dotted path ("draft.hooks.0.text"), so test cases read as data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from adloom.types import Concept

Edit = Callable[[Concept], None]


def _walk(obj: Any, parts: list[str]) -> Any:
    for part in parts:
        obj = obj[int(part)] if part.isdigit() else getattr(obj, part)
    return obj


def set_(path: str, value: Any) -> Edit:
    *head, last = path.split(".")

    def apply(concept: Concept) -> None:
        parent = _walk(concept, head)
        if last.isdigit():
            parent[int(last)] = value
        else:
            setattr(parent, last, value)

    return apply


def delete(path: str) -> Edit:
    *head, last = path.split(".")

    def apply(concept: Concept) -> None:
        del _walk(concept, head)[int(last)]

    return apply


def keep(path: str, predicate: Callable[[Any], bool]) -> Edit:
    """Keep only the items of the list at ``path`` that satisfy ``predicate``."""

    def apply(concept: Concept) -> None:
        items = _walk(concept, path.split("."))
        items[:] = [item for item in items if predicate(item)]

    return apply


def both(*edits: Edit) -> Edit:
    def apply(concept: Concept) -> None:
        for e in edits:
            e(concept)

    return apply
