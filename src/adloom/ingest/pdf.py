"""PDF product docs with pypdf: one Document per page that has text."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from adloom.ingest.result import IngestResult, make_document
from adloom.screen.injection import prescreen
from adloom.types import DocumentKind, Provenance


def read_pdf(raw: bytes, relpath: str, *, kind: DocumentKind = "product_doc") -> IngestResult:
    if b"%PDF-" not in raw[:1024]:
        return IngestResult.warning(relpath, "not a PDF (no %PDF- header); skipped")
    # pypdf quietly rebuilds damaged files; a missing end marker means pages may be silently lost
    if b"%%EOF" not in raw[-2048:]:
        return IngestResult.warning(relpath, "truncated PDF (no %EOF end marker); skipped")
    from pypdf.errors import DependencyError, FileNotDecryptedError  # ~0.1 s of imports, for PDFs only

    try:
        pages = _page_texts(raw)
    except (FileNotDecryptedError, DependencyError):
        return IngestResult.warning(relpath, "encrypted PDF, password required; skipped")
    except Exception as exc:  # pypdf raises many exception types on damaged input
        return IngestResult.warning(relpath, f"unreadable PDF ({type(exc).__name__}: {exc}); skipped")
    title = PurePosixPath(relpath).stem
    prescreen(text for _, text in pages if text)      # the file's sentences in one sentence-model batch
    documents = [
        make_document(kind, text, Provenance(file=relpath, section=f"page {number}"),
                      title=f"{title}, page {number}")
        for number, text in pages if text
    ]
    if not documents:
        return IngestResult.warning(relpath, "no extractable text (a scanned PDF?); skipped")
    return IngestResult.of(documents)


def _page_texts(raw: bytes) -> list[tuple[int, str]]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    reader = PdfReader(io.BytesIO(raw))
    # Many PDFs are "encrypted" with an empty user password only to restrict printing; those open fine.
    if reader.is_encrypted and not reader.decrypt(""):
        raise FileNotDecryptedError("password required")
    return [(number, _clean(page.extract_text() or "")) for number, page in enumerate(reader.pages, start=1)]


def _clean(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    return "\n".join(line for line in lines if line).strip()
