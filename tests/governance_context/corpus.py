"""Real formula-writer concepts for the example brand, made without a database (for fit calibration and bench)."""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from functools import cache
from pathlib import Path

from adloom.brand.assemble import brand_object
from adloom.governance.constraints import constraints_for
from adloom.pipeline import angles as angles_stage
from adloom.pipeline import ingest
from adloom.types import BrandObject, Campaign, Concept, content_hash
from adloom.writers import registry
from adloom.writers.base import ConceptTask

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "restwave"


@cache
def example_brand() -> BrandObject:
    """Extracted from the example's sources (brand.yaml is written by a run, so a clean clone has none);
    read from a copy so the tests leave no cache files in the repository."""
    folder = Path(tempfile.mkdtemp(prefix="adloom-example-")) / "restwave"
    shutil.copytree(EXAMPLE, folder, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    documents = asyncio.run(ingest.documents(folder)).documents
    return brand_object(documents, slug="restwave")


def example_concepts(n_angles: int = 5, campaign: Campaign | None = None) -> list[Concept]:
    brand = example_brand()
    campaign = campaign or Campaign(vertical=brand.vertical)
    writer = registry.get_writer("formula")
    out = []
    for angle in angles_stage.angles(brand, [], n=n_angles):
        for segment in brand.segments:
            k = constraints_for(brand, campaign)
            cid = content_hash([brand.version(), angle.id, segment.id, writer.id], length=32)

            draft = asyncio.run(writer.run(ConceptTask(brand=brand, angle=angle, segment=segment, constraints=k,
                                                       seed=cid)))
            out.append(Concept(id=cid, brand_slug=brand.slug, brand_version=brand.version(), angle=angle,
                               segment_id=segment.id, writer_id=writer.id, draft=draft))
    return out
