from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from adloom.governance.embeddings import (
    MODEL_FILE,
    CachedEmbedder,
    HashedBagOfWords,
    ModelUnavailable,
    OnnxMiniLM,
    package_file,
)


def test_model_separates_paraphrase_from_unrelated(model: CachedEmbedder) -> None:
    a, b, c = model.embed(["Recover faster after a long run", "Bounce back quicker after running far",
                           "Quarterly tax filing for small businesses"])
    assert np.isclose(np.linalg.norm(a), 1.0, atol=1e-4)
    assert float(a @ b) > 0.5 > 0.2 > float(a @ c)


def test_batching_and_order_do_not_change_vectors(model: CachedEmbedder) -> None:
    texts = ["short", "a considerably longer sentence about recovery routines at night", "mid length text"]
    together = OnnxMiniLM(batch_size=2).embed(texts)
    alone = np.stack([model.inner.embed([t])[0] for t in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_two_sessions_give_each_text_its_own_vector(model: CachedEmbedder) -> None:
    """Batches go to two sessions in turn: every row must still land at its text's place."""
    texts = [f"sentence number {n} about {'very ' * (n % 7)}restful sleep" for n in range(40)]
    shared = OnnxMiniLM(batch_size=4, threads=1, sessions=2)
    assert len(shared.sessions) == 2
    assert np.allclose(shared.embed(texts), model.inner.embed(texts), atol=1e-4)


def test_cache_embeds_each_text_once_and_persists(tmp_path: Path) -> None:
    cached = CachedEmbedder(HashedBagOfWords(), cache_dir=tmp_path)
    first = cached.embed(["a b", "c d", "a b"])
    assert (cached.misses, cached.hits) == (2, 1)
    cached.save()
    again = CachedEmbedder(HashedBagOfWords(), cache_dir=tmp_path)
    assert np.array_equal(again.embed(["c d"]), first[1:2]) and again.misses == 0


def test_fallback_is_deterministic_and_lexical() -> None:
    bow = HashedBagOfWords()
    assert bow.model_id.startswith("fallback:")
    a, b, c = bow.embed(["quiet massager", "quiet massager", "tax filing"])
    assert np.array_equal(a, b) and float(a @ c) < 0.5


def test_a_tampered_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ModelUnavailable, match="expected"):
        package_file(MODEL_FILE[0], MODEL_FILE[1], "0" * 64)
    with pytest.raises(ModelUnavailable, match="not installed"):
        package_file("no_such_package_here", "model.onnx", "0" * 64)


def _cost(lengths: list[int], batches: list[range], call_cost: int) -> int:
    return sum(call_cost + len(b) * lengths[b[-1]] for b in batches)


def test_length_batches_cover_every_text_in_order_at_least_cost() -> None:
    import itertools
    import random

    from adloom.governance.embeddings import _length_batches

    rng = random.Random(7)
    for _ in range(200):
        lengths = sorted(rng.randint(3, 60) for _ in range(rng.randint(1, 9)))
        max_batch = rng.randint(1, 5)
        batches = _length_batches(lengths, max_batch, 12)
        assert [i for b in batches for i in b] == list(range(len(lengths)))
        assert all(0 < len(b) <= max_batch for b in batches)
        # no other split into consecutive batches is cheaper (every set of cut points, brute force)
        best = min(_cost(lengths, [range(a, b) for a, b in itertools.pairwise((0, *cuts, len(lengths)))], 12)
                   for k in range(len(lengths))
                   for cuts in itertools.combinations(range(1, len(lengths)), k)
                   if all(b - a <= max_batch for a, b in itertools.pairwise((0, *cuts, len(lengths)))))
        assert _cost(lengths, batches, 12) == best
    # short texts are not padded to a long one's length: the long one gets its own call
    assert _length_batches([8] * 10 + [120], 64, 12) == [range(0, 10), range(10, 11)]
