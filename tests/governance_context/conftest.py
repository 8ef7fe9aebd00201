from __future__ import annotations

import pytest

from adloom.governance.embeddings import CachedEmbedder, ModelUnavailable, OnnxMiniLM
from adloom.governance.governor import Governor
from adloom.types import Campaign

from .corpus import example_brand


@pytest.fixture(scope="session")
def model() -> CachedEmbedder:
    try:
        return CachedEmbedder(OnnxMiniLM())
    except ModelUnavailable as exc:
        pytest.skip(f"sentence model not installed: {exc}")


@pytest.fixture(scope="session")
def governor(model: CachedEmbedder) -> Governor:
    brand = example_brand()
    return Governor.build(brand, Campaign(vertical=brand.vertical), embedder=model)
