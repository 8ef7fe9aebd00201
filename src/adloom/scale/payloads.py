"""What a task carries, as JSON: everything its unit needs, so a worker reads neither the brand folder nor
the project's rule packs. Each model's ``key`` is the unit's content key, which is also the task id."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from adloom.types import Angle, Asset, BrandObject, Campaign, RunSummary


class WriterSpec(BaseModel):
    spec: str                       # the selection string the driver was given (`formula`, `openai:MODEL`)
    id: str                         # its writer id, checked on the worker: it is part of every content key
    retries: int = 4
    rpm: float | None = None
    tpm: float | None = None


class ConceptUnit(BaseModel):
    """One angle x segment of one run."""

    run_id: str
    unit: str                       # "angle/segment"
    key: str                        # the concept id (content address) the driver computed
    brand: BrandObject
    brand_version: str
    angle: Angle
    segment_id: str
    avoid_hooks: list[str]
    tune: dict[str, Any]            # the allocation's share of this unit: hooks_per_concept, hook templates
    campaign: Campaign
    packs: list[dict[str, Any]]     # the rule packs in force, as loaded by the driver
    packs_version: str
    hooks_per_concept: int
    max_attempts: int
    writer: WriterSpec
    audit_redact: bool = True


class RenderUnit(BaseModel):
    """One concept's files. ``order`` is every concept the run renders, in order: the plan (which concept
    opens an angle's animatic, which template an image gets) is made over all of them, as in-process."""

    run_id: str
    unit: str                       # the concept id
    key: str
    brand: BrandObject
    order: list[str]
    out_dir: str                    # the run folder, relative to the output root
    brand_dir: str                  # the brand's files published to the output root, relative to it
    platforms: list[str]
    generators: dict[str, str | None] = {}


class ExportUnit(BaseModel):
    run_id: str
    key: str
    brand: BrandObject
    campaign: Campaign
    summary: RunSummary
    concept_ids: list[str]
    assets: list[Asset]
    out_dir: str


def relative(path: Path, root: Path) -> str:
    return path.resolve().relative_to(root.resolve()).as_posix()
