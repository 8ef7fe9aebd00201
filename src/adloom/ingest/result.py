"""What the ingest layer hands on: documents, the warnings about what it skipped, and flagged lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from adloom.injection import instruction_hits
from adloom.types import Document, DocumentKind, IngestWarning, Provenance, content_hash


@dataclass
class IngestResult:
    """Documents in deterministic order, plus everything a person should hear about the inputs."""

    documents: list[Document] = field(default_factory=list)
    warnings: list[IngestWarning] = field(default_factory=list)
    flagged: list[str] = field(default_factory=list)   # "file:line: instruction-like text: '…'"

    @classmethod
    def of(cls, documents: list[Document], warnings: list[IngestWarning] | None = None) -> IngestResult:
        flagged = [line for doc in documents for line in flagged_lines(doc)]
        return cls(documents=list(documents), warnings=list(warnings or []), flagged=flagged)

    @classmethod
    def warning(cls, file: str, message: str, line: int | None = None) -> IngestResult:
        return cls(warnings=[IngestWarning(file=file, line=line, message=message)])

    def extend(self, other: IngestResult) -> None:
        self.documents.extend(other.documents)
        self.warnings.extend(other.warnings)
        self.flagged.extend(other.flagged)


def make_document(kind: DocumentKind, text: str, provenance: Provenance, *, title: str = "",
                  speaker: str | None = None, data: dict[str, Any] | None = None) -> Document:
    """A Document whose id is a hash of what it says and where it came from, so reruns give the same ids."""
    doc_id = content_hash({"kind": kind, "file": provenance.file, "section": provenance.section,
                           "line_start": provenance.line_start, "text": text})
    flags = list(dict.fromkeys(f"instruction_like: {phrase}" for _, phrase in document_hits(kind, text)))
    return Document(id=doc_id, kind=kind, title=title, text=text, provenance=provenance,
                    speaker=speaker, data=data, flags=flags)


# Form fields whose values are instructions to the copywriter by design ("speak like a good coach"). The
# semantic screen flags text that reads like an instruction, so it flagged every onboarding form's voice
# guidance; these lines get the lexical patterns only ("ignore previous instructions" is still caught).
GUIDANCE_FIELDS = ("voice.do:", "voice.dont:")


def document_hits(kind: DocumentKind, text: str) -> list[tuple[int, str]]:
    """``instruction_hits`` with the semantic screen, except over a form's guidance fields."""
    if kind != "form" or not any(field in text for field in GUIDANCE_FIELDS):
        return instruction_hits(text, semantic=True)
    masked = "\n".join(" " * len(line) if line.startswith(GUIDANCE_FIELDS) else line for line in text.split("\n"))
    return sorted(set(instruction_hits(text)) | set(instruction_hits(masked, semantic=True)))


def flagged_lines(doc: Document) -> list[str]:
    """One human-readable line per instruction-like match, pointing at the source line when we know it."""
    prov = doc.provenance
    # Text that is a verbatim copy of its source lines lets us point at the exact line of the match.
    verbatim = (prov.line_start is not None and prov.line_end is not None
                and prov.line_end - prov.line_start == doc.text.count("\n"))
    lines = []
    for offset, phrase in document_hits(doc.kind, doc.text):
        line = prov.line_start
        if verbatim and line is not None:
            line += doc.text.count("\n", 0, offset)
        where = prov.file + (f":{line}" if line is not None else "")
        if prov.url:
            where += f" ({prov.url})"
        lines.append(f"{where}: instruction-like text: {phrase!r}")
    return lines
