"""What an ad is made of, for the pattern library: hook structure, emotional trigger, format, length.

The hook structure is the formula writer's template id when the hook came from one; a model-written hook
gets a structure tag read from its shape (question, negation, how-to, quote, statement), so hooks from
any writer can be compared.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = ["format_of", "length_bucket", "structure_tag", "template_triggers"]

_TAGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("tag:quote", re.compile(r"^[\"“']")),
    ("tag:how-to", re.compile(r"^(how|why|what)\b", re.I)),
    ("tag:question", re.compile(r"\?")),
    ("tag:negation", re.compile(r"\b(stop|never|don't|no more|not)\b", re.I)),
    ("tag:imperative", re.compile(r"^(try|meet|say|watch|start|see|get|take)\b", re.I)),
)


def structure_tag(text: str) -> str:
    for tag, pattern in _TAGS:
        if pattern.search(text.strip()):
            return tag
    return "tag:statement"


def length_bucket(text: str) -> str:
    words = len(text.split())
    return "1-4 words" if words <= 4 else "5-6 words" if words <= 6 else "7+ words"


def format_of(platform: str, video_3s: float) -> str:
    if platform == "google":
        return "google-rsa"
    return f"{platform}-{'video' if video_3s > 0 else 'static'}"


@cache
def template_triggers() -> dict[str, str]:
    """template id -> the emotional trigger it pulls (the formula writer's templates are data)."""
    from adloom.writers.formula.templates import HOOK_TEMPLATES
    return {t.id: t.trigger for t in HOOK_TEMPLATES}


def hook_facts(payload: dict[str, Any] | None, hook_id: str) -> dict[str, str]:
    """structure, trigger and length of one hook of a stored concept ('rsa': the Google ad as a whole)."""
    angle = (payload or {}).get("angle") or {}
    triggers = angle.get("emotional_triggers") or []
    fallback = triggers[0] if triggers else "unknown"
    if hook_id == "rsa":
        return {"hook_structure": "rsa", "trigger": fallback, "length": "rsa"}
    hooks = ((payload or {}).get("draft") or {}).get("hooks") or []
    hook = next((h for h in hooks if h.get("id") == hook_id), None)
    if hook is None:
        return {"hook_structure": "unknown", "trigger": fallback, "length": "unknown"}
    template = hook.get("template_id") or ""
    return {"hook_structure": template or structure_tag(hook.get("text", "")),
            "trigger": template_triggers().get(template, fallback),
            "length": length_bucket(hook.get("text", ""))}
