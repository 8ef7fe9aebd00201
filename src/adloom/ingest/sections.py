"""Split markdown-ish text into sections at ATX headings (``#`` … ``######``), keeping source line numbers."""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")


@dataclass(frozen=True)
class Section:
    heading: str | None      # None for text before the first heading
    text: str                # the body lines verbatim, blank lines at either end trimmed
    line_start: int          # 1-based, first line of ``text``
    line_end: int


def split_sections(text: str) -> list[Section]:
    """Sections in document order; headings inside fenced code blocks are not headings."""
    sections: list[Section] = []
    heading: str | None = None
    body: list[tuple[int, str]] = []
    fence: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)
            fence = None if fence == marker else (fence or marker)
        heading_match = None if fence or fence_match else _HEADING.match(line)
        if heading_match:
            _flush(sections, heading, body)
            heading, body = heading_match.group(2).strip() or None, []
        else:
            body.append((number, line.rstrip()))
    _flush(sections, heading, body)
    return sections


def _flush(sections: list[Section], heading: str | None, body: list[tuple[int, str]]) -> None:
    kept = [i for i, (_, line) in enumerate(body) if line.strip()]
    if not kept:
        return      # a heading with nothing under it carries no content of its own
    lines = body[kept[0]:kept[-1] + 1]
    sections.append(Section(heading=heading, text="\n".join(line for _, line in lines),
                            line_start=lines[0][0], line_end=lines[-1][0]))
