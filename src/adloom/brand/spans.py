"""Sentences with their character offsets in a document, so every mined item can point at its source.

``brand.text.sentences`` cleans as it splits, which loses the offsets; this splitter keeps the raw text
untouched and reports ``(start, end)`` into ``Document.text`` plus the cleaned sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from adloom.brand.text import clean
from adloom.types import Document, Provenance

# Same boundaries as brand.text.sentences: end punctuation before a capital, digit or quote; blank lines;
# a line break before a bullet or before a "Key: value" line of a spec list.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"')\]\u201d]?\s+(?=[A-Z0-9\"'(\u201c])|\n\s*\n|\n(?=\s*[-*\u2022]\s+)"
                       r"|\n(?=\s*\*\*)|\n(?=\s*[A-Z][\w ]{0,30}:\s)")
_LEAD = re.compile(r"^[\s\-*\u2022]+")


@dataclass(frozen=True)
class Span:
    doc: Document
    start: int
    end: int
    text: str          # cleaned sentence: single spaces, straight quotes, no bullet

    def provenance(self) -> Provenance:
        """The document's provenance narrowed to the sentence's lines where the document has line numbers."""
        source = self.doc.provenance
        if source.line_start is None:
            return source
        first = source.line_start + self.doc.text.count("\n", 0, self.start)
        last = source.line_start + self.doc.text.count("\n", 0, self.end)
        return source.model_copy(update={"line_start": first, "line_end": last})


def spans(doc: Document) -> list[Span]:
    text = doc.text
    found: list[Span] = []
    start = 0
    for match in [*_BOUNDARY.finditer(text), None]:
        end = match.start() if match else len(text)
        piece = text[start:end]
        lead = len(piece) - len(_LEAD.sub("", piece))
        trail = len(piece) - len(piece.rstrip())
        s, e = start + lead, end - trail
        if e > s:
            cleaned = clean(re.sub(r"\s+", " ", text[s:e])).replace("**", "")
            if cleaned:
                found.append(Span(doc, s, e, cleaned))
        start = match.end() if match else len(text)
    return found
