"""Fixtures for the model-writer tests: the example brand as tasks, and local model servers."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from adloom.brand.resolve import resolve_brand
from adloom.governance.constraints import constraints_for
from adloom.pipeline import ingest
from adloom.pipeline.angles import angles
from adloom.types import BrandObject, Campaign, Document
from adloom.writers.base import ConceptTask
from tests.conftest import EXAMPLE_BRAND
from tests.writers_models.server import ModelServer, serve


@pytest.fixture(scope="session")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[BrandObject, list[Document]]:
    folder = tmp_path_factory.mktemp("brand") / "restwave"
    shutil.copytree(EXAMPLE_BRAND, folder, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    docs = asyncio.run(ingest.documents(folder)).documents
    return resolve_brand(folder, docs).brand, docs


@pytest.fixture
def concept_task(example: tuple[BrandObject, list[Document]]) -> ConceptTask:
    brand, _ = example
    return ConceptTask(brand=brand, angle=angles(brand, [])[0], segment=brand.segments[0],
                       constraints=constraints_for(brand, Campaign()), seed="seed-1")


@pytest.fixture
def openai_server() -> Iterator[ModelServer]:
    with serve("openai") as server:
        yield server


@pytest.fixture
def anthropic_server() -> Iterator[ModelServer]:
    with serve("anthropic") as server:
        yield server


def brand_folder(tmp_path: Path) -> Path:
    target = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, target, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    return target
