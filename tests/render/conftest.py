"""Fixtures for render tests: the Restwave brand kit, a sample concept, a request factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from adloom.platforms import PLACEMENTS, Placement
from adloom.render.base import AdText, RenderRequest
from adloom.render.fake import fake_concept
from adloom.types import BrandKit, BrandObject, Concept
from tests.render.helpers import COLOURS, RESTWAVE_DIR


@pytest.fixture
def kit() -> BrandKit:
    return BrandKit(colors=dict(COLOURS), logo_path="assets/logo.png")


@pytest.fixture
def brand(kit: BrandKit) -> BrandObject:
    return BrandObject(name="Restwave", slug="restwave", brand_kit=kit, cta_vocabulary=["Try it tonight"])


@pytest.fixture
def concept() -> Concept:
    return fake_concept()


@pytest.fixture
def make_request(tmp_path: Path, kit: BrandKit, concept: Concept) -> Callable[..., RenderRequest]:
    def make(placement: str | Placement = "meta_feed_square", **overrides: object) -> RenderRequest:
        pl = PLACEMENTS[placement] if isinstance(placement, str) else placement
        fields: dict[str, object] = {
            "concept": concept, "placement": pl, "brand_kit": kit, "brand_name": "Restwave",
            "out_stem": tmp_path / f"ad_{pl.id}", "asset_dir": RESTWAVE_DIR,
            "text": AdText(headline="Fall asleep in minutes, not hours",
                           body="Gentle sound waves that slow your breathing, so you drift off sooner.",
                           cta="Shop now")}
        fields.update(overrides)
        return RenderRequest(**fields)  # type: ignore[arg-type]
    return make
