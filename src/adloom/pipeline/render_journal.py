"""Finished renders survive an interruption: each file is journalled the moment it is made, and a rerun into
the same run folder reuses a file whose request, generator and bytes are all unchanged instead of making it
again. The journal is folded into ``manifest.json`` when the stage completes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from adloom.types import Asset, Concept, Finding, content_hash, sha256_file

JOURNAL = "rendered.jsonl"
MANIFEST = "manifest.json"


def concept_digest(concept: Concept) -> str:
    """Everything a generator may read of the concept (a brief reads all of it)."""
    return content_hash(concept.model_dump(mode="json"), length=32)


def job_key(generator: str, kind: str, slot: str, hook_id: str | None, request_json: str, concept: str) -> str:
    """What a file is made from: the same key means the same file. ``request_json``: the request without
    its concept, which ``concept`` (its digest) stands for."""
    head = json.dumps([generator, kind, slot, hook_id, concept])
    return hashlib.sha256((head + request_json).encode()).hexdigest()[:32]


class RenderJournal:
    """What earlier attempts at this run folder finished, and the record of what this one finishes."""

    def __init__(self, assets_dir: Path) -> None:
        self.assets_dir = assets_dir
        self.path = assets_dir / JOURNAL
        self.done: dict[str, tuple[Asset, list[Finding]]] = {}
        self.changed: list[str] = []        # finished files found changed or truncated on disk: made again
        self._handle: IO[str] | None = None
        self._load()

    def _load(self) -> None:
        manifest = self.assets_dir / MANIFEST
        try:
            data = json.loads(manifest.read_text()) if manifest.is_file() else {}
            findings = data.get("findings", {})
            for asset_id, key in data.get("keys", {}).items():
                asset = next(Asset.model_validate(a) for a in data["assets"] if a["id"] == asset_id)
                self.done[key] = (asset, [Finding.model_validate(f) for f in findings.get(asset_id, [])])
        except (OSError, ValueError, KeyError, StopIteration, ValidationError):
            pass        # an unreadable manifest only costs the reuse
        if self.path.is_file():
            for line in self.path.read_text().splitlines():
                try:
                    entry: dict[str, Any] = json.loads(line)
                    self.done[entry["key"]] = (Asset.model_validate(entry["asset"]),
                                               [Finding.model_validate(f) for f in entry["findings"]])
                except (ValueError, KeyError, ValidationError):
                    continue    # the last line of a run cut mid-write

    def reusable(self, key: str, out_dir: Path) -> tuple[Asset, list[Finding]] | None:
        """The finished file for ``key`` if it is still on disk, byte for byte."""
        entry = self.done.get(key)
        if entry is None:
            return None
        path = out_dir / entry[0].path
        if not path.is_file():
            return None
        if sha256_file(path) != entry[0].sha256:
            self.changed.append(entry[0].path)       # said once in the run's render lines, never reused
            return None
        return entry

    def record(self, key: str, asset: Asset, findings: list[Finding]) -> None:
        if self._handle is None:
            self._handle = self.path.open("a", encoding="utf-8")
        self._handle.write(json.dumps({"key": key, "asset": asset.model_dump(mode="json"),
                                       "findings": [f.model_dump(mode="json") for f in findings]}) + "\n")
        self._handle.flush()
        self.done[key] = (asset, findings)

    def close(self, completed: bool) -> None:
        """``completed``: the manifest now holds every key, so the journal goes."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        if completed:
            self.path.unlink(missing_ok=True)
