"""Atomic file writes: a temp file in the target's directory, then ``os.replace``.

``os.replace`` is atomic on POSIX and Windows when source and target share a filesystem, which is
why the temp file sits next to the target rather than in /tmp. A run interrupted mid-write leaves the
previous file (or none), never half a CSV that an importer would half-accept.

``mkstemp`` creates the temp file ``0600`` (right for a secret, wrong for a report a team shares), so the
file gets the mode a plain ``open`` would have given it: ``0666`` less the process's umask.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

_UMASK_LINE = "Umask:"


def current_umask() -> int:
    """The process's umask, read without changing it (``/proc``) where the system allows: setting it to
    read it back would, for a moment, loosen every file another thread creates."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(_UMASK_LINE):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o077)      # the fallback: briefly the strictest mask, never a looser one
    os.umask(mask)
    return mask


def plain_file_mode() -> int:
    """The mode ``open(path, "w")`` would give a new file."""
    return 0o666 & ~current_umask()


@contextmanager
def atomic_open(path: Path, *, encoding: str = "utf-8", newline: str | None = None) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``path`` only when the block ends cleanly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as handle:
            os.chmod(handle.fileno(), plain_file_mode())
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
