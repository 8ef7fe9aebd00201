"""Spot instruction-like text: in brand material (ingest) and in model replies and excerpts (writers).

Ingested text is data, never instructions: it is kept unchanged and only flagged, so the report can show a
person what was found and the writer prompt can delimit it. Patterns aim at phrasings typical of prompt
injection and avoid everyday marketing copy ("do not follow up", "acts as a barrier").
"""

from __future__ import annotations

import re

from adloom.screen.injection import screen
from adloom.textfold import fold

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

# A screen, so that most text (which has no hit at all) costs one fast pass instead of ten slow ones:
# every match of a pattern above contains one of these, once folded the way IGNORECASE compares (the shared
# ``fold``, whose whitespace collapsing only shortens the \s+ runs the screen allows for). Case-sensitive
# and without \b, this scans ~15x faster than the patterns themselves.
_NEEDED = re.compile(r"ignore|disregard|forget|override|you\s+are\s+now|system\s+prompt|act\s+as"
                     r"|new\s+instructions?\s*:|(?:not|don't|never)\s+follow|output\s+the\s+following"
                     r"|<\||\[/?inst\]|<</?sys>>|##")


def has_instruction_like(text: str) -> bool:
    """Whether ``instruction_hits(text)`` (lexical) can find anything; False is certain."""
    return _NEEDED.search(fold(text)) is not None or bool(screen(text, semantic=False))


def instruction_hits(text: str, *, semantic: bool = False) -> list[tuple[int, str]]:
    """(character offset, matched phrase) for each instruction-like match, in text order: the English
    patterns here, then what ``adloom.screen.injection`` adds (hidden and look-alike characters folded,
    five languages, and with ``semantic=True`` sentences close to injection prototypes). Overlapping
    matches are one hit. Ingest and the brand miners ask for the semantic check; model replies are checked
    lexically, since a semantic false alarm there would throw away good copy."""
    hits = legacy_hits(text)
    taken = [(offset, offset + len(phrase)) for offset, phrase in hits]
    for found in screen(text, semantic=semantic):
        if not any(found.start < end and start < found.end for start, end in taken):
            hits.append((found.start, found.phrase))
            taken.append((found.start, found.end))
    return sorted(hits)


def legacy_hits(text: str) -> list[tuple[int, str]]:
    """The English patterns above behind their one-pass screen (must equal ``pattern_hits``)."""
    return pattern_hits(text) if _NEEDED.search(fold(text)) is not None else []


def pattern_hits(text: str) -> list[tuple[int, str]]:
    """The patterns one by one, with no screen in front of them (the reference the screen must agree with)."""
    hits = []
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            phrase = " ".join(match.group(0).split())
            if phrase:
                hits.append((match.start() + len(match.group(0)) - len(match.group(0).lstrip()), phrase))
    return sorted(hits)


def instruction_flags(text: str, *, semantic: bool = False) -> list[str]:
    """One Document.flags entry per distinct phrase: ``instruction_like: ignore previous instructions``."""
    flags: list[str] = []
    for _, phrase in instruction_hits(text, semantic=semantic):
        flag = f"instruction_like: {phrase}"
        if flag not in flags:
            flags.append(flag)
    return flags
