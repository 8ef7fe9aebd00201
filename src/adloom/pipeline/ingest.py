"""Stage: brand folder -> Documents with provenance, plus warnings and instruction-like flags.

Readers for free text skip a bad file with a warning; forms and personas define the brand, so a bad one
raises BrandInputError. Output order is deterministic: files in sorted path order, urls.txt in line order.
"""

from __future__ import annotations

import os
from pathlib import Path

from adloom.errors import BrandInputError
from adloom.ingest import cache as read_cache
from adloom.ingest.classify import IGNORED_DIRS, classify, ignored
from adloom.ingest.fetch import FetchOptions
from adloom.ingest.result import IngestResult
from adloom.ingest.urls import read_urls
from adloom.screen.injection import remembered
from adloom.types import Document

MAX_FILE_BYTES = 50_000_000
FETCH_CACHE = Path(".adloom") / "cache" / "pages"
READ_CACHE = Path(".adloom") / "cache" / "docs"
# the injection screen's sentence-model margins by sentence hash: an edited rerun embeds only new sentences
SCREEN_CACHE = Path(".adloom") / "cache" / "screen.json"
# extraction worth caching (transcripts: a recorded call takes seconds to transcribe); the others are cheap
CACHED_READERS = {"read_html_file", "read_pdf", "read_transcript"}


async def documents(folder: Path, *, fetch: FetchOptions | None = None) -> IngestResult:
    """Read every brand input under ``folder``. ``fetch`` defaults to safe options cached in ``.adloom/``."""
    if not folder.exists():
        raise BrandInputError("brand folder not found", file=str(folder))
    if not folder.is_dir():
        raise BrandInputError("not a folder; pass the brand folder (see `adloom init`)", file=str(folder))
    fetch = fetch or FetchOptions(cache_dir=folder / FETCH_CACHE)
    root = folder.resolve()
    collected = IngestResult()
    with remembered(folder / SCREEN_CACHE):     # documents are screened as read, and their lines again here
        for relpath in input_paths(folder):
            collected.extend(await _read_one(folder / relpath, relpath, root, fetch, folder / READ_CACHE))
        _check_unique_personas(collected.documents)
        result = IngestResult.of(_unique(collected.documents), collected.warnings)
    if not result.documents:
        raise BrandInputError(_nothing_usable(result), file=str(folder))
    return result


def input_paths(folder: Path) -> list[str]:
    """Sorted posix paths of candidate files, not descending into ignored or hidden folders."""
    paths: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath).relative_to(folder)
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(".") and not (here == Path(".") and d in IGNORED_DIRS)]
        paths.extend((here / name).as_posix() for name in filenames)
    return sorted(p for p in paths if not ignored(p))


async def _read_one(path: Path, relpath: str, root: Path, fetch: FetchOptions, cache_dir: Path) -> IngestResult:
    entry = classify(relpath)
    if entry is None:
        return IngestResult.warning(relpath, "not a recognised brand input (docs/brand-folder.md); skipped")
    if not path.resolve().is_relative_to(root):
        # an untrusted folder could link to ~/.ssh or /etc; only what is really inside is read
        return IngestResult.warning(relpath, "symbolic link out of the brand folder; skipped")
    if not path.is_file():
        return IngestResult.warning(relpath, "not a regular file; skipped")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return IngestResult.warning(relpath, f"{size} bytes, over the {MAX_FILE_BYTES} byte limit; skipped")
    raw = path.read_bytes()
    if entry.reader is None:
        return await read_urls(raw, fetch, relpath)
    reader_name = getattr(entry.reader, "__name__", "")
    if reader_name not in CACHED_READERS:
        return entry.reader(raw, relpath)
    key = read_cache.cache_key(raw, relpath, reader_name)
    result = read_cache.load(cache_dir, key)
    if result is None:
        result = entry.reader(raw, relpath)
        read_cache.save(cache_dir, key, result)
    return result


def _check_unique_personas(documents: list[Document]) -> None:
    """Two files defining the same persona id would silently merge segments; make the user choose."""
    first_file: dict[str, str] = {}
    for doc in documents:
        if doc.kind == "persona" and doc.provenance.section:
            first = first_file.setdefault(doc.provenance.section, doc.provenance.file)
            if first != doc.provenance.file:
                raise BrandInputError(f"persona id '{doc.provenance.section}' is also defined in {first}",
                                      file=doc.provenance.file, line=doc.provenance.line_start, field="id")


def _unique(documents: list[Document]) -> list[Document]:
    """Identical content from the same place (a page repeating a section) is one document."""
    seen: set[str] = set()
    unique = []
    for doc in documents:
        if doc.id not in seen:
            seen.add(doc.id)
            unique.append(doc)
    return unique


def _nothing_usable(result: IngestResult) -> str:
    message = ("no usable inputs (expected onboarding.yaml, website/*.html, urls.txt, docs/, personas/ "
               "or transcripts/)")
    if result.warnings:
        first = result.warnings[0]
        where = first.file + (f":{first.line}" if first.line else "")
        message += f"; {len(result.warnings)} skipped, first: {where}: {first.message}"
    return message
