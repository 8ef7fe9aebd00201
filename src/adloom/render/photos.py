"""Brand photos from the folder's ``assets/``: which to put under an ad, and what is missing.

Every image file in ``assets/`` except the logo is a brand photo (product shots, people, places).
A static ad with no photo of its own gets one of them, chosen from the file's name so each hook's
image may show a different photo and a rerun shows the same one. No photo at all is not an error:
the layouts fall back to brand colours, and the run says so.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from adloom.types import BrandKit

ASSETS_DIR = "assets"
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def brand_photos(brand_dir: Path | None, kit: BrandKit) -> list[Path]:
    """Image files in ``assets/`` other than the logo, sorted by name."""
    if brand_dir is None or not (brand_dir / ASSETS_DIR).is_dir():
        return []
    logo = (brand_dir / kit.logo_path).resolve() if kit.logo_path else None
    return sorted(p for p in (brand_dir / ASSETS_DIR).iterdir()
                  if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES and p.resolve() != logo
                  and p.resolve().is_relative_to(brand_dir.resolve())      # no symlink out of the brand folder
                  and not p.stem.lower().startswith("logo"))


def photo_for(key: str, photos: list[Path]) -> Path | None:
    """A stable pick: the same key (an output file's name) always gets the same photo."""
    if not photos:
        return None
    return photos[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(photos)]


def missing_assets(brand_dir: Path | None, kit: BrandKit) -> list[str]:
    """One warning per missing asset, as the run and the report show them."""
    warnings = []
    if not kit.logo_path:
        warnings.append("no logo (brand_kit.logo_path): layouts close up without one")
    elif brand_dir is not None and not (brand_dir / kit.logo_path).is_file():
        warnings.append(f"logo {kit.logo_path} not found: images are rendered without a logo")
    if not brand_photos(brand_dir, kit):
        warnings.append(f"no brand photos in {ASSETS_DIR}/ (product shots, people): images use brand colours only")
    return warnings
