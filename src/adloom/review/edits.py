"""What a reviewer may edit (the copy an audience sees: hooks and per-platform ad copy), addressed by the
same field paths findings use, and applying such edits to a draft."""

from __future__ import annotations

import re
from collections.abc import Mapping

from adloom.errors import InputError
from adloom.governance.fields import text_fields
from adloom.types import ConceptDraft

__all__ = ["apply_edits", "editable_fields"]

_EDITABLE = re.compile(r"(hooks\[[^\]]+\]\.(text|on_screen_caption)"
                       r"|copy\.(meta|tiktok)\[[^\]]+\]\.(primary_text|headline|description|ad_text)"
                       r"|copy\.google\[\d+\]\.(headlines|descriptions)\[\d+\])")
_STEP = re.compile(r"(\w+)(?:\[([^\]]+)\])?")
MAX_FIELD = 2000


def editable_fields(draft: ConceptDraft) -> dict[str, str]:
    """Path -> current text of every field a reviewer may change, in reading order."""
    return {f.path: f.text for f in text_fields(draft) if _EDITABLE.fullmatch(f.path)}


def apply_edits(draft: ConceptDraft, edits: Mapping[str, str]) -> tuple[ConceptDraft, dict[str, str]]:
    """The draft with ``edits`` applied, and the fields that actually changed (path -> old text).

    Unknown or non-editable paths are an error naming the path; unchanged values are ignored.
    """
    current = editable_fields(draft)
    data = draft.model_dump(mode="json")
    changed: dict[str, str] = {}
    for path, value in edits.items():
        if path not in current:
            raise InputError("not an editable field of this concept", field=path)
        value = value.replace("\r\n", "\n").strip()
        if len(value) > MAX_FIELD:
            raise InputError(f"text is longer than {MAX_FIELD} characters", field=path)
        if value == current[path]:
            continue
        _set(data, path, value)
        changed[path] = current[path]
    return ConceptDraft.model_validate(data), changed


def _set(data: dict[str, object], path: str, value: str) -> None:
    head, _, rest = path.partition(".")
    if head.startswith("hooks["):
        hook_id = head[len("hooks["):-1]
        hook = next(h for h in data["hooks"] if h["id"] == hook_id)  # type: ignore[attr-defined]
        hook[rest] = value
        return
    platform_step, _, field = rest.partition(".")
    platform, key = _STEP.fullmatch(platform_step).groups()  # type: ignore[union-attr]
    variants: list[dict[str, object]] = data["copy_variants"]  # type: ignore[assignment]
    if platform == "google":
        target = variants[int(key)]
        name, index = _STEP.fullmatch(field).groups()  # type: ignore[union-attr]
        target[name][int(index)] = value  # type: ignore[index]
    else:
        target = next(v for v in variants if v["platform"] == platform and v["hook_id"] == key)
        target[field] = value
