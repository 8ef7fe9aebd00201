"""Which brand object a run uses: the user's brand.yaml, or a fresh extraction, and never a silent overwrite.

    brand.yaml missing                              -> extract and save            ("extracted")
    sources unchanged since it was extracted        -> load it, user edits and all ("unchanged")
    sources changed, file unedited since we wrote it -> re-extract, keep approvals ("re-extracted")
    sources changed, file edited by the user        -> keep the user's file        ("kept-user-edits")

``.adloom/brand.written`` holds the SHA-256 of the bytes adloom last wrote, which is how "edited" is told.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from adloom.brand.assemble import brand_object, sources_hash
from adloom.brand.yamlio import load_brand, save_brand
from adloom.naming import slugify
from adloom.types import BrandObject, Document

__all__ = ["BRAND_FILE", "ResolvedBrand", "brand_slug", "extract_brand", "resolve_brand", "write_brand"]

BRAND_FILE = "brand.yaml"
WRITTEN_MARKER = Path(".adloom") / "brand.written"

Status = Literal["extracted", "unchanged", "re-extracted", "kept-user-edits"]


@dataclass(frozen=True)
class ResolvedBrand:
    brand: BrandObject
    status: Status
    message: str


def resolve_brand(folder: Path, documents: list[Document], *, save: bool = True) -> ResolvedBrand:
    """``save=False`` leaves writing a fresh extraction (status "extracted" or "re-extracted") to the
    caller, who calls ``write_brand`` with it (the driver does so off the event loop)."""
    path = folder / BRAND_FILE
    if not path.exists():
        brand = extract_brand(folder, documents, save=save)
        return ResolvedBrand(brand, "extracted", f"extracted {path} (version {brand.version()})")
    current = load_brand(path)
    if current.sources_hash == sources_hash(documents):
        return ResolvedBrand(current, "unchanged", f"using {path} (version {current.version()})")
    if _unedited(folder):
        brand = extract_brand(folder, documents, previous=current, save=save)
        return ResolvedBrand(brand, "re-extracted", f"sources changed: re-extracted {path} "
                             f"(version {current.version()} -> {brand.version()}, approvals kept)")
    return ResolvedBrand(current, "kept-user-edits",
                         f"sources changed, but {path} has your edits, so it was kept; run "
                         f"`adloom brand extract {folder} --force` to re-extract (approvals carry over)")


def extract_brand(folder: Path, documents: list[Document], *,
                  previous: BrandObject | None = None, save: bool = True) -> BrandObject:
    """Extract from ``documents`` and write brand.yaml (unless ``save=False``); ``previous`` carries
    approvals over."""
    slug = previous.slug if previous is not None else brand_slug(folder, documents)
    brand = brand_object(documents, slug=slug, previous=previous)
    if save:
        write_brand(folder, brand)
    return brand


def write_brand(folder: Path, brand: BrandObject) -> None:
    """Save brand.yaml and remember what adloom wrote, so a later user edit can be told apart."""
    digest = save_brand(brand, folder / BRAND_FILE)
    marker = folder / WRITTEN_MARKER
    marker.parent.mkdir(parents=True, exist_ok=True)
    marker.write_text(digest + "\n", encoding="utf-8")


def brand_slug(folder: Path, documents: list[Document]) -> str:
    """The form's brand name when there is one (folders are often named 'my-brand'), else the folder's."""
    for doc in documents:
        if doc.kind == "form" and doc.data and doc.data.get("brand_name"):
            return slugify(str(doc.data["brand_name"]))
    return slugify(folder.resolve().name)


def _unedited(folder: Path) -> bool:
    marker = folder / WRITTEN_MARKER
    if not marker.exists():
        return False      # a brand.yaml adloom has no record of writing is the user's own
    written = marker.read_text(encoding="utf-8").strip()
    return hashlib.sha256((folder / BRAND_FILE).read_bytes()).hexdigest() == written
