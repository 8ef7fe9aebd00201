"""Fit text into a box: wrap by words, shrink to a minimum size, and ellipsize only as a last resort."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import ImageDraw

from adloom.render.base import Box
from adloom.render.fonts import load

Align = Literal["left", "center"]
ELLIPSIS = "…"


@dataclass(frozen=True)
class FittedText:
    font_path: str
    size: int
    lines: list[str]
    line_height: int
    width: int              # widest line, px
    height: int             # lines x line height, px
    shrunk: bool            # smaller than the template's preferred size
    truncated: bool         # did not fit even at the minimum size; ellipsized


def _break_word(word: str, font_path: str, size: int, max_width: int) -> list[str]:
    """Split one word wider than the box into pieces that fit (URLs, long compounds)."""
    font = load(font_path, size)
    pieces, current = [], ""
    for ch in word:
        if current and font.getlength(current + ch) > max_width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    return [*pieces, current] if current else pieces


def wrap(text: str, font_path: str, size: int, max_width: int) -> list[str]:
    font = load(font_path, size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if font.getlength(candidate) <= max_width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if font.getlength(word) > max_width:
                *full, current = _break_word(word, font_path, size, max_width)
                lines.extend(full)
            else:
                current = word
        lines.append(current)
    return [line for line in lines if line] or [""]


def _line_height(font_path: str, size: int, spacing: float) -> int:
    ascent, descent = load(font_path, size).getmetrics()
    return max(1, round((ascent + descent) * spacing))


def _measure(lines: list[str], font_path: str, size: int, spacing: float) -> tuple[int, int, int]:
    font = load(font_path, size)
    lh = _line_height(font_path, size, spacing)
    width = max((round(font.getlength(line)) for line in lines), default=0)
    return width, lh * len(lines), lh


def fit(text: str, font_path: str | Path, box_w: int, box_h: int, *, max_size: int, min_size: int,
        spacing: float = 1.15, max_lines: int | None = None) -> FittedText:
    """The largest size in [min_size, max_size] at which ``text`` wraps into the box.

    Binary search on the size (wrapped height grows with size). When even ``min_size`` overflows, keep
    the lines that fit and end the last with an ellipsis: the caller reports that as a finding.
    """
    path = str(font_path)
    min_size = max(1, min(min_size, max_size))

    def fits(size: int) -> tuple[bool, list[str]]:
        lines = wrap(text, path, size, box_w)
        if max_lines is not None and len(lines) > max_lines:
            return False, lines
        _, height, _ = _measure(lines, path, size, spacing)
        return height <= box_h, lines

    ok, lines = fits(max_size)
    if ok:
        return _result(path, max_size, lines, spacing, shrunk=False, truncated=False)
    lo, hi, best = min_size, max_size - 1, None
    while lo <= hi:
        mid = (lo + hi) // 2
        ok, mid_lines = fits(mid)
        if ok:
            best, lo = (mid, mid_lines), mid + 1
        else:
            hi = mid - 1
    if best is not None:
        return _result(path, best[0], best[1], spacing, shrunk=True, truncated=False)
    return _truncate(text, path, min_size, box_w, box_h, spacing, max_lines)


def _truncate(text: str, path: str, size: int, box_w: int, box_h: int, spacing: float,
              max_lines: int | None) -> FittedText:
    lines = wrap(text, path, size, box_w)
    keep = max(1, box_h // _line_height(path, size, spacing))
    if max_lines is not None:
        keep = min(keep, max_lines)
    kept = lines[:keep]
    font = load(path, size)
    last = kept[-1]
    while last and font.getlength(last.rstrip() + ELLIPSIS) > box_w:
        last = last[:-1]
    kept[-1] = last.rstrip(" ,.;:-") + ELLIPSIS
    return _result(path, size, kept, spacing, shrunk=True, truncated=True)


def _result(path: str, size: int, lines: list[str], spacing: float, *, shrunk: bool,
            truncated: bool) -> FittedText:
    width, height, lh = _measure(lines, path, size, spacing)
    return FittedText(path, size, lines, lh, width, height, shrunk, truncated)


def draw(draw_ctx: ImageDraw.ImageDraw, fitted: FittedText, x: int, y: int, fill: tuple[int, int, int],
         *, align: Align = "left", box_w: int | None = None) -> Box:
    """Draw the lines with their top at ``y``; returns the text block's box."""
    font = load(fitted.font_path, fitted.size)
    centred = align == "center" and box_w is not None
    for i, line in enumerate(fitted.lines):
        lx = x + (box_w - round(font.getlength(line))) // 2 if centred and box_w is not None else x
        draw_ctx.text((lx, y + i * fitted.line_height), line, font=font, fill=fill, anchor="la")
    left = x + (box_w - fitted.width) // 2 if centred and box_w is not None else x
    return (left, y, left + fitted.width, y + fitted.height)
