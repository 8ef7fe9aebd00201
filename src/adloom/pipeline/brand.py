"""Stage: Documents -> the run's BrandObject: the user's brand.yaml or a fresh offline extraction
(``brand.resolve``), read again by a model writer when it can, and saved when it was extracted."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from adloom.brand.assemble import carry_approvals
from adloom.brand.gaps import missing as brand_gaps
from adloom.brand.resolve import resolve_brand, write_brand
from adloom.errors import WriterError
from adloom.ingest.result import IngestResult
from adloom.pipeline.ingest import SCREEN_CACHE
from adloom.render.photos import missing_assets
from adloom.screen.injection import remembered, without_injections
from adloom.types import BrandObject, Document, IngestWarning
from adloom.writers.base import Writer
from adloom.writers.tasks import BrandTask, supports

__all__ = ["RunBrand", "brand_for_run", "refined_brand"]


@dataclass(frozen=True)
class RunBrand:
    brand: BrandObject
    status: str         # brand.resolve's: extracted, unchanged, re-extracted, kept-user-edits
    warnings: list[IngestWarning]


async def brand_for_run(folder: Path, ingested: IngestResult, *, writer: Writer) -> RunBrand:
    """The warnings say what thin material leaves out, which images are missing, and a model reading that
    failed (the offline extraction then stands)."""
    with remembered(folder / SCREEN_CACHE):      # the miners screen spans that ingest did not
        resolved = resolve_brand(folder, ingested.documents, save=False)
    brand, warnings = resolved.brand, list(ingested.warnings)
    extracted = resolved.status in ("extracted", "re-extracted")
    if extracted and supports(writer, BrandTask):
        try:
            brand = await refined_brand(brand, ingested.documents, writer=writer)
        except WriterError as exc:    # the model's reading is optional
            warnings.append(IngestWarning(file="brand.yaml", message=f"model brand extraction failed, "
                                          f"kept the offline extraction: {exc}"))
    if extracted:
        write_brand(folder, brand)
    warnings += [IngestWarning(file="brand.yaml", message=gap) for gap in brand_gaps(brand)]
    warnings += [IngestWarning(file="assets/", message=m) for m in missing_assets(folder, brand.brand_kit)]
    return RunBrand(brand, resolved.status, warnings)


async def refined_brand(offline: BrandObject, documents: list[Document], *, writer: Writer) -> BrandObject:
    """A model's reading of the documents, on top of the deterministic extraction.

    The model never approves anything: every claim it returns is a candidate, approvals carry over from
    the offline object by claim id, and the identity fields (slug, sources, kit) stay the offline ones.
    """
    # flagged text is data for the report, never part of a prompt: flagged spans are cut before the model reads
    documents = [d.model_copy(update={"text": without_injections(d.text)}) if d.flags else d for d in documents]
    task = BrandTask(slug=offline.slug, documents=documents, baseline=offline)
    proposed = await writer.run(task)
    claims = [c.model_copy(update={"approved": False, "approved_by": None, "approved_at": None})
              for c in proposed.claims]
    return proposed.model_copy(update={
        "slug": offline.slug, "sources_hash": offline.sources_hash, "brand_kit": offline.brand_kit,
        "claims": carry_approvals(claims, offline)})
