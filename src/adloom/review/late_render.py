"""Files for concepts a reviewer approved after their run.

The pipeline renders approved concepts only, so a concept cleared at the desk has rows in the bulk CSVs but no
image or animatic until it is rendered here: into the run's own assets folder, from the brand folder the run
read, with the run's default generators. The run's manifest keeps every earlier entry beside the new ones.
A run made with ``--no-render`` stays without files.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from adloom.exports.atomic import write_text_atomic
from adloom.pipeline import render
from adloom.pipeline.render_journal import MANIFEST
from adloom.platforms import PLACEMENTS, PLATFORMS
from adloom.types import Asset, BrandObject, Concept, RunSummary

__all__ = ["render_reviewed"]


def render_reviewed(concepts: list[Concept], summary: RunSummary, brand: BrandObject,
                    out_dir: Path) -> tuple[list[Asset], list[str]]:
    """The new assets of approved concepts that have none yet, and one line per render failure."""
    if not summary.assets:
        return [], []
    have = {a.concept_id for a in summary.assets}
    missing = [c for c in concepts if c.status == "approved" and c.draft is not None and c.id not in have]
    if not missing:
        return [], []
    platforms = summary.campaign.platforms if summary.campaign else list(PLATFORMS)
    placements = [pid for pid, p in PLACEMENTS.items() if p.platform in platforms]
    manifest = out_dir / "assets" / MANIFEST
    before = _read(manifest)
    outcome = asyncio.run(render.assets(missing, brand, out_dir, placements=placements,
                                        brand_dir=_brand_dir(summary, out_dir)))
    after = _read(manifest)
    write_text_atomic(manifest, json.dumps(_merged(before, after), indent=2, ensure_ascii=False))
    return outcome.assets, outcome.messages()


def _brand_dir(summary: RunSummary, out_dir: Path) -> Path:
    # the folder the run read; when it has moved, an empty one (the renderer falls back to the brand kit)
    if summary.brand_dir and Path(summary.brand_dir).is_dir():
        return Path(summary.brand_dir)
    empty = out_dir / "assets" / ".no-brand-folder"
    empty.mkdir(parents=True, exist_ok=True)
    return empty


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _merged(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    new_paths = {a.get("path") for a in after.get("assets", [])}
    return {
        "keys": {**before.get("keys", {}), **after.get("keys", {})},
        "assets": [a for a in before.get("assets", []) if a.get("path") not in new_paths] + after.get("assets", []),
        "errors": before.get("errors", []) + after.get("errors", []),
        "findings": {**before.get("findings", {}), **after.get("findings", {})},
    }
