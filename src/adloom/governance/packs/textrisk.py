"""Findings about how a text is written, not what it says: hidden or look-alike characters, and a start that a
spreadsheet runs as a formula.

They are built in rather than pack data because they guard the matching itself: a pack cannot see a word
spelt with a zero-width space or a Cyrillic letter except through the normal form (``adloom.textnorm``), and
copy that tries that is a finding of its own, whatever the word. Both go to a person (``review``): a
look-alike letter can be innocent (a Greek name in Latin copy), a hidden character in a word never is in an
ad, and a formula-like start is quoted in every CSV export but should not reach upload unseen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adloom.textnorm import normalise
from adloom.types import Severity

__all__ = ["TEXT_PACK", "TextRisk", "text_risks"]

TEXT_PACK = "text@1"
# what OWASP's CSV-injection guidance lists (and full-width forms); + and - only when a formula follows
_FORMULA = re.compile(r"[=@\t\r\uff1d\uff20]|[+\-\uff0b\uff0d]\s*(?:[A-Za-z_][\w.]*\s*\(|\S*[|!(])")
_KIND_WORDS = {"invisible": "invisible characters", "lookalike": "look-alike letters from another script",
               "compatibility": "full-width or styled letters", "mark": "overlaid marks"}
MAX_PER_TEXT = 5


@dataclass(frozen=True)
class TextRisk:
    rule_id: str
    severity: Severity
    category: str
    start: int
    end: int
    description: str
    fix_hint: str


def text_risks(text: str) -> list[TextRisk]:
    out: list[TextRisk] = []
    norm = normalise(text)
    if norm is not None:
        for start, end, kinds in norm.words_hidden()[:MAX_PER_TEXT]:
            named = ", ".join(_KIND_WORDS[k] for k in kinds.split(","))
            out.append(TextRisk(
                "text.obfuscation", "review", "obfuscation", start, end, f"written with {named}",
                "Write the word in plain letters: hidden or look-alike characters read as one word to people "
                "and as another to policy checks and ad platforms."))
    if _FORMULA.match(text) or (norm is not None and _FORMULA.match(norm.text)):
        end = min(len(text), 40)
        out.append(TextRisk(
            "text.formula", "review", "formula_injection", 0, end,
            "starts like a spreadsheet formula (=, +, -, @, tab, carriage return)",
            "Start the text with a word: exports quote such cells, but the text itself should not begin like a "
            "formula."))
    return out
