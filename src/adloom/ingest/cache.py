"""Per-file read cache: a file's documents keyed by its bytes, so a rerun skips HTML/PDF extraction.

The key covers the file's SHA-256, its path (provenance), the reader and the adloom version, so any
change to the file or to the code reading it misses the cache. Entries are written atomically; an
unreadable entry is ignored and rewritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

import adloom
from adloom.ingest.result import IngestResult
from adloom.screen.injection import VERSION as SCREEN_VERSION
from adloom.types import Document, IngestWarning

# bump when what a reader returns changes between releases without the version changing (2: a form's voice
# guidance no longer gets the semantic injection screen)
READERS_VERSION = 2


def cache_key(raw: bytes, relpath: str, reader: str) -> str:
    digest = hashlib.sha256(raw)
    # the screen's version too: documents carry its flags, and it changes between releases
    digest.update(f"\0{relpath}\0{reader}\0{adloom.__version__}\0{SCREEN_VERSION}\0{READERS_VERSION}".encode())
    return digest.hexdigest()


def load(cache_dir: Path, key: str) -> IngestResult | None:
    path = cache_dir / f"{key}.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return IngestResult(documents=[Document.model_validate(d) for d in data["documents"]],
                            warnings=[IngestWarning.model_validate(w) for w in data["warnings"]],
                            flagged=list(data["flagged"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(cache_dir: Path, key: str, result: IngestResult) -> None:
    if not result.documents:
        return      # a skipped file is not remembered: the reason may go away (an extra installed, say)
    data = {"documents": [d.model_dump(mode="json") for d in result.documents],
            "warnings": [w.model_dump(mode="json") for w in result.warnings], "flagged": result.flagged}
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, cache_dir / f"{key}.json")
    except OSError:
        pass    # a cache that cannot be written only costs speed
