"""Brand material -> Documents with provenance. Everything read here is untrusted data, never instructions.

The stage that walks a brand folder is ``adloom.pipeline.ingest.documents``; the readers here each take
the raw bytes of one file and its path relative to the brand folder. Names are imported on first use so
that light callers do not pull in trafilatura, pypdf and httpx. The injection screen is ``adloom.injection``
(shared with the writers, which screen model replies).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "FetchOptions": "fetch", "FetchedPage": "fetch", "fetch_page": "fetch", "is_public_address": "fetch",
    "parse_csv_form": "forms", "read_form": "forms",
    "read_html": "html", "read_html_file": "html",
    "read_pdf": "pdf", "read_personas": "personas",
    "IngestResult": "result", "make_document": "result",
    "read_text": "text", "read_transcript": "transcripts", "read_urls": "urls",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'adloom.ingest' has no attribute {name!r}")
    return getattr(import_module(f"adloom.ingest.{_EXPORTS[name]}"), name)
