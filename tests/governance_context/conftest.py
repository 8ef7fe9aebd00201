from __future__ import annotations

import pytest

from adloom.governance.embeddings import CachedEmbedder, OnnxMiniLM
from adloom.governance.governor import Governor
from adloom.types import Campaign

from .corpus import example_brand


@pytest.fixture(scope="session")
def model() -> CachedEmbedder:
    # the model is a declared dependency: a missing or altered model file is a failure, never a skip
    return CachedEmbedder(OnnxMiniLM())


@pytest.fixture(scope="session")
def governor(model: CachedEmbedder) -> Governor:
    brand = example_brand()
    return Governor.build(brand, Campaign(vertical=brand.vertical), embedder=model)
