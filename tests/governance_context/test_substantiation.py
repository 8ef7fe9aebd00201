from __future__ import annotations

import pytest

from adloom.governance.embeddings import CachedEmbedder
from adloom.governance.fields import TextField
from adloom.governance.substantiation import Substantiator, claim_spans

from .corpus import example_brand


@pytest.fixture(scope="module")
def sub(model: CachedEmbedder) -> Substantiator:
    return Substantiator(example_brand(), model)


def _check(sub: Substantiator, text: str) -> list[str]:
    findings, _ = sub.check(claim_spans([TextField("copy.x", text, True)]))
    return [f.rule_id for f in findings]


@pytest.mark.parametrize("text", [
    "Restwave Pulse runs up to 6 hours on one charge.",
    "Runs up to 6 hours on one charge.",                       # a paraphrase backs by meaning
    "Every routine takes 10 minutes.",
    "Quiet enough for a call.",                                # no claim-like language at all
])
def test_backed_or_not_a_claim(sub: Substantiator, text: str) -> None:
    assert _check(sub, text) == []


@pytest.mark.parametrize(("text", "rule"), [
    ("Recover 4.8x faster than with a foam roller.", "claims.meaning_unbacked"),
    ("Reduces muscle soreness overnight.", "claims.causal_unbacked"),
    ("Quieter than any other massager.", "claims.comparative_unbacked"),
    ("The quietest massager on the market.", "claims.meaning_unbacked"),
    ("Runs up to 9 hours on one charge.", "claims.meaning_unbacked"),   # right meaning, wrong number
])
def test_unbacked_claims(sub: Substantiator, text: str, rule: str) -> None:
    assert _check(sub, text) == [rule]


def test_finding_has_span_and_closest_claim(sub: Substantiator) -> None:
    text = "Sleep well. Runs 9 hours on a charge!"
    findings, records = sub.check(claim_spans([TextField("copy.x", text, True)]))
    [f] = findings
    assert f.span is not None and text[f.span[0]:f.span[1]] == "Runs 9 hours on a charge!"
    assert "6 hours on one charge" in f.fix_hint
    assert records[0]["backed"] is False and records[0]["kind"] == "numeric"


def test_spans_already_reported_are_not_repeated(sub: Substantiator) -> None:
    spans = claim_spans([TextField("copy.x", "Reduces soreness.", True)])
    findings, _ = sub.check(spans, reported={("copy.x", 0)})
    assert findings == []


@pytest.mark.parametrize("text", ["Put it to the test tonight.", "The honest answer to your doubts.",
                                  "Skip the rest of the guesswork."])
def test_words_ending_in_est_are_not_superlatives(text: str) -> None:
    assert not claim_spans([TextField("copy", text, True)])


def test_reading_many_texts_together_equals_reading_each_sentence() -> None:
    # claim spans of new texts are found with one pass per pattern over all their sentences joined;
    # the reference reads each sentence alone
    import random

    from adloom.governance import substantiation as sub

    pieces = ["The quietest massager", "runs 6 hours", "2x faster than ice", "reduces soreness", "the best",
              "No. 1 rated", "put it to the test", "better sleep", "treat yourself", "less pain than before",
              "our most trusted kit", "1,000 users", "50 % off", "clinically shown", "just a routine", "Really",
              "world's first", "more than 3 sizes", "ten minutes a day"]
    rng = random.Random(4)
    texts = list(dict.fromkeys(
        "".join(rng.choice(pieces) + rng.choice([". ", "! ", "? ", " ", ", ", "\n"]) for _ in range(rng.randint(1, 6)))
        for _ in range(800)))
    sub._SPANS.clear()
    sub._read(texts)
    found = 0
    for text in texts:
        want = []
        for m in sub._SENTENCE.finditer(text):
            sentence = m.group().strip()
            kinds = sub._sentence_kinds(sentence) if sentence else set()
            if kinds:
                start = m.start() + m.group().index(sentence)
                want.append((start, start + len(sentence), sentence, tuple(k for k in sub._KINDS if k in kinds)))
        assert sub._SPANS[text] == tuple(want), text
        found += len(want)
    assert found > 1000
