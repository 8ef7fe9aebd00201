"""Where run folders live for every worker. Workers and the driver name files relative to one output root
(``ADLOOM_OUTPUT_ROOT``), so each machine may mount it where it likes; an object store would implement the
same two methods (write locally, then publish)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = ["LocalOutputs", "Outputs"]


class Outputs(Protocol):
    def folder(self, relative: str) -> Path:
        """A local folder for ``relative`` that files can be written into."""
        ...

    def publish(self, source: Path, relative: str) -> None:
        """Copy a local folder's files to ``relative``, where every worker finds them."""
        ...


@dataclass(frozen=True)
class LocalOutputs:
    """A path every process can reach (one machine, or a shared volume)."""

    root: Path

    def folder(self, relative: str) -> Path:
        path = (self.root / relative).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"{relative!r} is outside the output root {self.root}")
        path.mkdir(parents=True, exist_ok=True)
        return path

    def publish(self, source: Path, relative: str) -> None:
        target = self.folder(relative)
        shutil.copytree(source, target, dirs_exist_ok=True,
                        ignore=shutil.ignore_patterns(".adloom", ".git", "__pycache__"))
