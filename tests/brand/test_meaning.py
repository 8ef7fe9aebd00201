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


def test_the_probe_is_deterministic_and_learns_a_direction() -> None:
    import numpy as np

    from adloom.brand.meaning import fit_probe

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8))
    labels = np.array([0] * 20 + [1] * 20 + [2] * 20)
    x[:20, 0] += 3
    x[20:40, 1] += 3
    first, second = fit_probe(x, labels, steps=300), fit_probe(x, labels, steps=300)
    assert np.array_equal(first[0], second[0])
    assert ((x @ first[0] + first[1]).argmax(axis=1) == labels).mean() > 0.9


def test_a_page_heading_is_its_promise_and_an_faq_heading_is_no_pain() -> None:
    from adloom.brand.extract import extract

    def doc(i: int, title: str, text: str, kind: str = "website") -> Document:
        return Document(id=f"d{i}", kind=kind, title=title, text=text,  # type: ignore[arg-type]
                        provenance=Provenance(file="index.html" if kind == "website" else "faq.md", section=title))

    docs = [doc(1, "Weeknight cooking without the washing-up", "Panwise makes one-tray dinner kits."),
            doc(2, "Is it hard to clean?", "The tray is non-stick and goes in the dishwasher.", kind="product_doc")]
    mined = extract(docs, brand_names={"panwise"}, embedder=default_embedder())
    assert any("Weeknight cooking" in e.text for e in mined.items("desire")), mined.evidence
    assert not [e for e in mined.items("pain") if "hard to clean" in e.text.lower()]
    assert any(e.text == "Is it hard to clean?" for e in mined.items("objection"))


def test_the_shipped_probe_matches_the_bank() -> None:
    """After a bank edit, refit: ``write_probe(default_embedder())`` in ``adloom.brand.meaning``."""
    import numpy as np

    from adloom.brand.meaning import SHIPPED, fit_bank, probe_key

    embedder = default_embedder()
    with np.load(SHIPPED) as saved:
        assert str(saved["key"]) == probe_key(embedder.model_id), "meaning_probe.npz is stale: refit it"
        w, b = fit_bank(embedder)
        assert np.allclose(saved["w"], w, atol=1e-6) and np.allclose(saved["b"], b, atol=1e-6)
