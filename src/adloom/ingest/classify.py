"""Which reader a brand-folder file goes to, by folder, name and extension (docs/brand-folder.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

from adloom.ingest.audio import AUDIO_SUFFIXES
from adloom.ingest.forms import FORM_SUFFIXES, read_form
from adloom.ingest.html import read_html_file
from adloom.ingest.pdf import read_pdf
from adloom.ingest.personas import read_personas
from adloom.ingest.result import IngestResult
from adloom.ingest.text import read_text
from adloom.ingest.transcripts import read_transcript
from adloom.ingest.urls import URLS_FILE

Reader = Callable[[bytes, str], IngestResult]

IGNORED_NAMES = frozenset({"brand.yaml"})          # written by adloom, not an input
IGNORED_DIRS = frozenset({"assets", "out"})        # brand kit files and run outputs
HTML_SUFFIXES = (".html", ".htm")
DOC_SUFFIXES = (".md", ".markdown", ".txt")
TRANSCRIPT_SUFFIXES = (".vtt", ".srt")


@dataclass(frozen=True)
class Input:
    relpath: str
    reader: Reader | None      # None: urls.txt, which is read asynchronously by the stage


def ignored(relpath: str) -> bool:
    parts = PurePosixPath(relpath).parts
    return (any(part.startswith(".") for part in parts) or parts[0] in IGNORED_DIRS
            or (len(parts) == 1 and parts[0] in IGNORED_NAMES))


def classify(relpath: str) -> Input | None:
    """The reader for a file, or None when the file is not a recognised brand input."""
    path = PurePosixPath(relpath)
    name, suffix = path.name.lower(), path.suffix.lower()
    area = path.parts[0] if len(path.parts) > 1 else ""
    reader = _by_area(area, name, suffix) if area else _in_root(name, suffix)
    if reader is None and not area and name == URLS_FILE:
        return Input(relpath, None)
    return Input(relpath, reader) if reader else None


def _in_root(name: str, suffix: str) -> Reader | None:
    if name == URLS_FILE:
        return None
    if name.startswith(("onboarding.", "form.")) and suffix in FORM_SUFFIXES:
        return read_form
    if suffix in HTML_SUFFIXES:
        return read_html_file
    if suffix == ".pdf":
        return read_pdf
    if suffix in TRANSCRIPT_SUFFIXES or (suffix == ".txt" and name.startswith(("transcript", "call"))):
        return read_transcript
    if suffix in DOC_SUFFIXES:
        return read_text
    return None


def _by_area(area: str, name: str, suffix: str) -> Reader | None:
    if area == "website" and suffix in HTML_SUFFIXES:
        return read_html_file
    if area == "docs":
        return read_pdf if suffix == ".pdf" else read_text if suffix in DOC_SUFFIXES else (
            _doc_html if suffix in HTML_SUFFIXES else None)
    if area == "personas" and suffix in (".yaml", ".yml"):
        return read_personas
    if area == "transcripts" and (suffix in TRANSCRIPT_SUFFIXES or suffix == ".txt" or suffix in AUDIO_SUFFIXES):
        return read_transcript
    return None


def _doc_html(raw: bytes, relpath: str) -> IngestResult:
    return read_html_file(raw, relpath, kind="product_doc")
