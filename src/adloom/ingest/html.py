"""Saved or fetched web pages: trafilatura strips navigation and boilerplate, then we split by heading."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

import trafilatura

from adloom.ingest.decode import free_text
from adloom.ingest.limits import MAX_HTML_BYTES, MAX_PAGE_CHARS
from adloom.ingest.result import IngestResult, make_document
from adloom.ingest.sections import split_sections
from adloom.screen.injection import prescreen
from adloom.types import DocumentKind, IngestWarning, Provenance

_MARKUP = re.compile(r"<\s*(?:!doctype|html|head|body|p|div|h[1-6]|main|article|section|span|title)\b",
                     re.IGNORECASE)


def read_html_file(raw: bytes, relpath: str, *, kind: DocumentKind = "website") -> IngestResult:
    """A .html file from the brand folder; anything that is not really HTML is a warning, not an error."""
    html = free_text(raw, relpath, "HTML")
    if isinstance(html, IngestResult):
        return html
    return read_html(html, Provenance(file=relpath), kind=kind)


def read_html(html: str, origin: Provenance, *, kind: DocumentKind = "website") -> IngestResult:
    """Documents for one page. ``origin`` says where it came from (file, or urls.txt line and URL)."""
    where = origin.url or origin.file

    def skip(reason: str) -> IngestResult:
        return IngestResult.warning(origin.file, f"{where}: {reason}; skipped", origin.line_start)

    if not _MARKUP.search(html[:MAX_HTML_BYTES]):
        return skip("no HTML markup found (plain text with an .html name?)")
    cut: list[IngestWarning] = []
    if len(html) > MAX_HTML_BYTES:
        # extraction costs ~2 s and ~75 MB per MB of page: read a bounded page and say what was left out
        cut.append(IngestWarning(file=origin.file, line=origin.line_start,
                                 message=f"{where}: page of {len(html):,} characters; only the first "
                                         f"{MAX_HTML_BYTES:,} were read"))
        html = html[:MAX_HTML_BYTES]
    markdown = trafilatura.extract(html, output_format="markdown", include_comments=False,
                                   include_tables=True, include_links=False, include_images=False,
                                   favor_recall=True)
    if not markdown or not markdown.strip():
        return skip("no readable text after boilerplate removal")
    if len(markdown) > MAX_PAGE_CHARS:
        cut.append(IngestWarning(file=origin.file, line=origin.line_start,
                                 message=f"{where}: {len(markdown):,} characters of text; only the first "
                                         f"{MAX_PAGE_CHARS:,} were kept"))
        markdown = markdown[:MAX_PAGE_CHARS]
    page_title = _page_title(html) or PurePosixPath(origin.file).stem
    sections = split_sections(markdown)
    prescreen(section.text for section in sections)      # the page's sentences in one sentence-model batch
    documents = [
        make_document(kind, section.text,
                      origin.model_copy(update={"section": section.heading,
                                                "line_end": origin.line_start}),
                      title=section.heading or page_title)
        for section in sections
    ]
    if not documents:
        return skip("no readable text after boilerplate removal")
    return IngestResult.of(documents, cut)


def _page_title(html: str) -> str | None:
    metadata = trafilatura.extract_metadata(html)
    return metadata.title if metadata and metadata.title else None
