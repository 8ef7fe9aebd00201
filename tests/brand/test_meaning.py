"""Pains and desires recognised by meaning, where the cue patterns have no stock phrase to match."""

from __future__ import annotations

from adloom.brand.meaning import recognise
from adloom.brand.spans import spans
from adloom.governance.embeddings import HashedBagOfWords, default_embedder
from adloom.types import Document, Provenance

# Written for this test in no eval brand's words: no "tired of", "so you can", "no more" ...
PAGE = ("Tumblecare washes and folds your laundry. Saturday mornings vanish under piles of washing. "
        "Odd socks pile up on the chair for weeks. The service costs twelve pounds a bag. "
        "Spend your Saturday at the park with the kids. Download the app to book a pickup.")


def _spans() -> list:
    doc = Document(id="d1", kind="website", title="Tumblecare", text=PAGE, provenance=Provenance(file="index.html"))
    return spans(doc)


def test_problems_and_outcomes_without_cue_words_are_recognised() -> None:
    found = recognise(_spans(), default_embedder(), frozenset({"tumblecare"}))
    pains = [f.phrase for f in found if f.kind == "pain"]
    desires = [f.phrase for f in found if f.kind == "desire"]
    assert any("socks pile up" in p.lower() for p in pains), found
    assert any("park" in d.lower() for d in desires), found
    # what the product is, costs or asks you to do is neither
    assert not [f for f in found if "pounds" in f.phrase or "app" in f.phrase or "tumblecare" in f.phrase.lower()]


def test_without_a_sentence_model_nothing_is_guessed() -> None:
    assert recognise(_spans(), HashedBagOfWords()) == []
