"""Spot instruction-like text in brand material.

Ingested text is data, never instructions: it is kept unchanged and only flagged, so the report can show a
person what was found and the writer prompt can delimit it. Patterns aim at phrasings typical of prompt
injection and avoid everyday marketing copy ("do not follow up", "acts as a barrier").
"""

from __future__ import annotations

import re

_FLAGS = re.IGNORECASE | re.MULTILINE

_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p, _FLAGS) for p in (
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)*"
    r"(?:previous|prior|above|earlier|preceding|original)\s+"
    r"(?:instructions?|prompts?|directions?|rules?|messages?)",
    r"\byou\s+are\s+now\b",
    r"\bsystem\s+prompt\b",
    # "act as" only as an imperative, so "the gel acts as a barrier" stays quiet
    r"(?:^|(?<=[.!?:])\s*|\b(?:now|please|you\s+(?:must|should|will))\s+)act\s+as\b",
    r"\bnew\s+instructions?\s*:",
    r"\b(?:do\s+not|don't|never)\s+follow\b(?!\s*-?\s*ups?\b)",
    r"\boutput\s+the\s+following\b",
    r"<\|\s*(?:im_start|im_end|system|user|assistant|endoftext)\s*\|>",
    r"\[/?INST\]|<</?SYS>>",
    r"^\s*#{2,}\s*(?:system|instructions?|assistant)\b",
))


def instruction_hits(text: str) -> list[tuple[int, str]]:
    """(character offset, matched phrase) for each instruction-like match, in text order."""
    hits = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            phrase = " ".join(match.group(0).split())
            if phrase:
                hits.append((match.start() + len(match.group(0)) - len(match.group(0).lstrip()), phrase))
    return sorted(hits)


def instruction_flags(text: str) -> list[str]:
    """One Document.flags entry per distinct phrase: ``instruction_like: ignore previous instructions``."""
    flags: list[str] = []
    for _, phrase in instruction_hits(text):
        flag = f"instruction_like: {phrase}"
        if flag not in flags:
            flags.append(flag)
    return flags
