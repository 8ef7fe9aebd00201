"""Extraction from prose alone: the example brand with its form and persona files left out."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from adloom.brand.assemble import brand_object
from adloom.brand.extract import extract
from adloom.brand.gaps import missing
from adloom.errors import BrandInputError
from adloom.governance.embeddings import default_embedder
from adloom.pipeline.ingest import documents
from adloom.types import Document, Provenance

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "restwave"
SCAFFOLD = Path(__file__).resolve().parents[2] / "src" / "adloom" / "data" / "scaffold"


@pytest.fixture(scope="module")
def prose_docs() -> list[Document]:
    docs = asyncio.run(documents(EXAMPLE)).documents
    return [d for d in docs if d.kind not in ("form", "persona")]


def test_prose_only_brand_has_segments_with_pains_traced_to_sources(prose_docs: list[Document]) -> None:
    brand = brand_object(prose_docs, slug="restwave")
    assert len(brand.segments) >= 2
    assert sum(len(s.pain_points) for s in brand.segments) >= 5
    for segment in brand.segments:
        assert segment.sources, segment.id
    by_text = {e.text: e for e in brand.evidence if e.kind == "pain"}
    doc_text = {(d.provenance.file, d.provenance.section, d.provenance.line_start): d.text for d in prose_docs}
    for pain in (p for s in brand.segments for p in s.pain_points):
        item = by_text[pain]
        assert item.source.file in {d.provenance.file for d in prose_docs}
        if item.span and item.span[1] > item.span[0]:
            # the span points at the sentence the pain came from
            texts = [t for (f, _, _), t in doc_text.items() if f == item.source.file]
            assert any(t[item.span[0]:item.span[1]].split()[:2] == item.quote.split()[:2] for t in texts)
    assert "waking up sore every Sunday" in by_text


def test_objections_carry_the_brands_own_answer(prose_docs: list[Document]) -> None:
    mined = extract(prose_docs, brand_names={"restwave"}, embedder=default_embedder())
    objections = {e.text: e.answer for e in mined.items("objection")}
    assert "45 dB" in objections["Is it really quiet?"]
    assert all(objections.values())


def test_voice_offers_and_avoid_list_come_from_prose(prose_docs: list[Document]) -> None:
    brand = brand_object(prose_docs, slug="restwave")
    assert brand.voice.descriptors
    assert any("trial" in o.name.lower() or "refund" in o.name.lower() for o in brand.offers)
    assert {"cure", "heal"} <= set(brand.avoid)
    assert not any(o.ends for o in brand.offers), "a mined offer never carries a deadline"


def test_instruction_like_text_is_never_mined(prose_docs: list[Document]) -> None:
    brand = brand_object(prose_docs, slug="restwave")
    assert not any("arthritis" in e.text.lower() or "ignore previous" in e.quote.lower() for e in brand.evidence)


def test_thin_brand_says_what_is_missing() -> None:
    page = Document(id="d1", kind="website", title="Fernhouse", provenance=Provenance(file="website/index.html"),
                    text="Fernhouse sends hard-to-kill houseplants with a care card written for beginners.")
    gaps = missing(brand_object([page], slug="fernhouse"))
    assert any(g.startswith("no customer pains") for g in gaps)
    assert any(g.startswith("no objections") for g in gaps)


def test_untouched_scaffold_is_an_input_error(tmp_path: Path) -> None:
    folder = tmp_path / "my-brand"
    shutil.copytree(SCAFFOLD, folder)
    docs = asyncio.run(documents(folder)).documents
    with pytest.raises(BrandInputError) as err:
        brand_object(docs, slug="my-brand")
    assert "placeholder" in str(err.value) and "onboarding.yaml" in str(err.value)
