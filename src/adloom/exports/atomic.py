"""Atomic file writes: a temp file in the target's directory, then ``os.replace``.

``os.replace`` is atomic on POSIX and Windows when source and target share a filesystem, which is
why the temp file sits next to the target rather than in /tmp. A run interrupted mid-write leaves the
previous file (or none), never half a CSV that an importer would half-accept.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def atomic_open(path: Path, *, encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``path`` only when the block ends cleanly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_text_atomic(path: Path, text: str, *, encoding: str = "utf-8") -> Path:
    with atomic_open(path, encoding=encoding) as handle:
        handle.write(text)
    return path
