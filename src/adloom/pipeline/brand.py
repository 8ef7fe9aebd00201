"""Stage: a model's reading of the brand material, on top of the offline extraction (``brand.assemble``)."""

from __future__ import annotations

from adloom.brand.assemble import carry_approvals
from adloom.types import BrandObject, Document
from adloom.writers.base import Writer
from adloom.writers.tasks import BrandTask

__all__ = ["refined_brand"]


async def refined_brand(offline: BrandObject, documents: list[Document], *, writer: Writer) -> BrandObject:
    """A model's reading of the documents, on top of the deterministic extraction.

    The model never approves anything: every claim it returns is a candidate, approvals carry over from
    the offline object by claim id, and the identity fields (slug, sources, kit) stay the offline ones.
    """
    task = BrandTask(slug=offline.slug, documents=documents, baseline=offline)
    proposed = await writer.run(task)
    claims = [c.model_copy(update={"approved": False, "approved_by": None, "approved_at": None})
              for c in proposed.claims]
    return proposed.model_copy(update={
        "slug": offline.slug, "sources_hash": offline.sources_hash, "brand_kit": offline.brand_kit,
        "claims": carry_approvals(claims, offline)})
