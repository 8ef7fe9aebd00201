"""Markdown and plain-text product docs: one Document per heading section, with source line ranges."""

from __future__ import annotations

from pathlib import PurePosixPath

from adloom.ingest.decode import free_text
from adloom.ingest.result import IngestResult, make_document
from adloom.ingest.sections import split_sections
from adloom.screen.injection import prescreen
from adloom.types import DocumentKind, Provenance


def read_text(raw: bytes, relpath: str, *, kind: DocumentKind = "product_doc") -> IngestResult:
    text = free_text(raw, relpath, "a text document")
    if isinstance(text, IngestResult):
        return text
    stem = PurePosixPath(relpath).stem
    sections = split_sections(text)
    prescreen(section.text for section in sections)      # the file's sentences in one sentence-model batch
    documents = [
        make_document(kind, section.text,
                      Provenance(file=relpath, section=section.heading,
                                 line_start=section.line_start, line_end=section.line_end),
                      title=section.heading or stem)
        for section in sections
    ]
    if not documents:
        return IngestResult.warning(relpath, "empty document; skipped")
    return IngestResult.of(documents)
