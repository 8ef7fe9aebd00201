"""Creator briefs: each UGC brief as Markdown and as a PDF, on A4 or US Letter pages or as a phone strip.

``brief:pdf`` (the default, same as ``brief:a4``) and ``brief:letter`` print: standard pages with print
margins, pages added as the brief needs them, and a section title never left alone at the foot of a page.
``brief:phone`` is one tall, narrow page (phone-width column) whose height fits its content: laid out
once to measure, then again on a page of exactly that height, so it never splits.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from fpdf import FPDF

from adloom.errors import BrandInputError, UnsupportedRequest
from adloom.render.base import AssetKind, Generator, RenderRequest, RenderResult, finding
from adloom.render.colour import RGB, ensure_contrast, parse_colour
from adloom.render.fonts import DEFAULT_BODY, DEFAULT_HEADING
from adloom.types import Concept, UGCBrief, sha256_file

PAGE_WIDTH_MM = 100.0
MARGIN_MM = 7.0
BODY_PT = 11.0
# printed pages: (width, height) in mm, and their margin
PAGES_MM: dict[str, tuple[float, float]] = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
PRINT_MARGIN_MM = 18.0
FORMATS = ("pdf", "a4", "letter", "phone", "md")


@dataclass(frozen=True)
class Section:
    title: str
    items: list[str]
    numbered: bool = False


def sections(concept: Concept, brand_name: str) -> tuple[str, str, list[Section]]:
    """Title, subtitle and sections of a brief, shared by the Markdown and the PDF."""
    if concept.draft is None:
        raise UnsupportedRequest("the concept has no draft, so no creator brief", field="draft")
    brief: UGCBrief = concept.draft.brief
    title = f"Creator brief: {brand_name}"
    subtitle = f"{concept.angle.name} · for {concept.segment_id.replace('-', ' ')} · concept {concept.id[:8]}"
    deliverables = [f"{d.ratio}, {d.seconds} s, {d.format.upper()}" for d in brief.deliverables]
    return title, subtitle, [
        Section("Who you are", [brief.persona]),
        Section("Where", [brief.setting]),
        Section("Open with one of these (first 2 seconds)", brief.hook_options, numbered=True),
        Section("Shot list", [f"{s.description} ({s.seconds:g} s)" for s in brief.shot_list], numbered=True),
        Section("Talking points", brief.talking_points),
        Section("Do", brief.do),
        Section("Don't", brief.dont),
        Section("Deliverables", deliverables),
        Section("Usage rights", [brief.usage_rights]),
    ]


def to_markdown(concept: Concept, brand_name: str) -> str:
    title, subtitle, parts = sections(concept, brand_name)
    lines = [f"# {title}", "", f"_{subtitle}_", ""]
    for sec in parts:
        if not sec.items:
            continue
        lines += [f"## {sec.title}", ""]
        if len(sec.items) == 1 and not sec.numbered:
            lines.append(sec.items[0])
        else:
            lines += [f"{i}. {item}" if sec.numbered else f"- {item}" for i, item in enumerate(sec.items, 1)]
        lines.append("")
    return "\n".join(lines)


def _layout(concept: Concept, brand_name: str, colour: RGB, height_mm: float,
            page: tuple[float, float] | None = None) -> tuple[FPDF, float]:
    """Lay the brief out on one phone page of ``height_mm``, or on printed pages of size ``page`` (mm);
    returns the document and the height used on its last page."""
    printed = page is not None
    width = page[0] if page else PAGE_WIDTH_MM
    margin = PRINT_MARGIN_MM if printed else MARGIN_MM
    pdf = FPDF(unit="mm", format=page if page else (PAGE_WIDTH_MM, height_mm))
    pdf.set_auto_page_break(printed, margin=margin)
    pdf.set_margins(margin, margin, margin)
    pdf.add_font("Brand", "", str(DEFAULT_BODY))
    pdf.add_font("Brand", "B", str(DEFAULT_HEADING))
    pdf.add_page()
    title, subtitle, parts = sections(concept, brand_name)
    line = BODY_PT * 0.3528 * 1.35                     # pt -> mm, with leading
    pdf.set_fill_color(*colour)
    pdf.rect(0, 0, width, 3, style="F")
    pdf.set_y(margin)
    pdf.set_text_color(*colour)
    pdf.set_font("Brand", "B", BODY_PT + 5)
    pdf.multi_cell(0, line * 1.3, title, new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(90, 90, 90)
    pdf.set_font("Brand", "", BODY_PT - 2)
    pdf.multi_cell(0, line * 0.9, subtitle, new_x="LMARGIN", new_y="NEXT", align="L")
    for sec in parts:
        if not sec.items:
            continue
        pdf.ln(line * 0.6)
        if printed and pdf.get_y() + line * 3 > pdf.h - margin:   # a title keeps its first line with it
            pdf.add_page()
        pdf.set_text_color(*colour)
        pdf.set_font("Brand", "B", BODY_PT + 1)
        pdf.multi_cell(0, line, sec.title, new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(17, 24, 39)
        pdf.set_font("Brand", "", BODY_PT)
        for i, item in enumerate(sec.items, 1):
            bullet = f"{i}." if sec.numbered else ("" if len(sec.items) == 1 else "•")
            if bullet:
                pdf.cell(6, line, bullet)
                pdf.multi_cell(0, line, item, new_x="LMARGIN", new_y="NEXT", align="L")
            else:
                pdf.multi_cell(0, line, item, new_x="LMARGIN", new_y="NEXT", align="L")
    used = pdf.get_y() + margin
    return pdf, used


def to_pdf(concept: Concept, brand_name: str, colour: RGB, size: str = "phone") -> bytes:
    """``size``: "a4" or "letter" for printed pages, "phone" for one strip sized to its content."""
    if size in PAGES_MM:
        pdf, _ = _layout(concept, brand_name, colour, 0.0, page=PAGES_MM[size])
        return bytes(pdf.output())
    _, used = _layout(concept, brand_name, colour, 2000.0)
    height = max(used, PAGE_WIDTH_MM * 16 / 9)          # never shorter than a phone screen
    pdf, _ = _layout(concept, brand_name, colour, height)
    return bytes(pdf.output())


class BriefGenerator(Generator):
    """``brief:pdf`` (A4), ``brief:a4``, ``brief:letter``, ``brief:phone`` or ``brief:md``: the concept's UGC
    brief as a document a creator prints or reads on a phone."""

    id: ClassVar[str] = "brief"
    kinds: ClassVar[tuple[AssetKind, ...]] = ("brief",)

    def __init__(self, model: str | None = None) -> None:
        fmt = (model or "pdf").lower()
        if fmt not in FORMATS:
            raise UnsupportedRequest(f"brief format '{fmt}' is not one of {', '.join(FORMATS)}", field="generator")
        self.format = "md" if fmt == "md" else "pdf"
        self.size = "a4" if fmt == "pdf" else fmt

    def _write(self, request: RenderRequest) -> RenderResult:
        findings = []
        try:
            colour = parse_colour(request.brand_kit.colors.get("primary", "#1F3A5F"))
        except BrandInputError as exc:  # a broken brand colour must not cost the brief
            findings.append(finding("input_fallback", f"{exc}; used #1F3A5F", severity="review"))
            colour = parse_colour("#1F3A5F")
        colour = ensure_contrast(colour, (255, 255, 255))
        if self.format == "md":
            path = request.out_stem.with_suffix(".md")
            data = to_markdown(request.concept, request.brand_name).encode()
            media = "text/markdown"
        else:
            path = request.out_stem.with_suffix(".pdf")
            data = to_pdf(request.concept, request.brand_name, colour, self.size)
            media = "application/pdf"
        path.parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(data)
        parameters = {"format": self.format} if self.format == "md" else {"format": self.format, "size": self.size}
        return RenderResult(path=path, media_type=media, kind="brief", sha256=sha256_file(path),
                            generator=f"{self.id}:{self.format}", parameters=parameters,
                            findings=findings)

    async def generate(self, request: RenderRequest) -> RenderResult:
        return await asyncio.to_thread(self._write, request)
