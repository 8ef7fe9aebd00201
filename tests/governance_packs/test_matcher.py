"""The compiled engine reports exactly the reference engine's (rule, start, end) set, and compiles once."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from adloom.governance import matcher
from adloom.governance.matcher import RuleSpec, compile_matcher
from adloom.governance.matcher.python_engine import PythonEngine
from adloom.governance.matcher.spec import Match, python_pattern
from adloom.governance.packs import load_packs
from adloom.textfold import fold

TRICKY = [
    RuleSpec(0, ("#1", "100%", "no. 1", "made in u.s.a.", "best")),
    RuleSpec(1, ("größe", "café crème", "straße", "σοφία", "istanbul")),
    RuleSpec(2, ("FREE", "BUY NOW"), case_sensitive=True),
    RuleSpec(3, ("!!", "??"), word_boundary=False),
    RuleSpec(4, (), (r"(?<!not )guaranteed\s+\w+", r"lose\s+\d+\s*(?:lbs|kg)", r"[^a-z ]{3}\d")),
    RuleSpec(5, (), (r"caf\w\s+\w+", r"\x41BC")),                     # non-ASCII class use, \x escape
    RuleSpec(6, (), (r"(\w+) \1",)),                                    # backreference
    RuleSpec(7, ("sale", "kilo", "in stock"), (r"\bnow\b",), word_boundary=False),
    RuleSpec(8, (), (r"only\s{2}left", r"ends\nsoon", r"\d+\s?%\s+off")),
    RuleSpec(9, (), (r"^only", r"off\W?$", r"left.{0,4}ends")),           # anchors; a span that could cross fields
]
NOISE = ["the", "our", "pillow", "now", "today", "not", "guaranteed", "results", "Kelvin", "stock", "cafe",
         "bestseller", "sales", "x", "123", "ok", "é", "ẞ", "İ", "ı", "ſ", "K", "ς", "Σ", "’", "—", "€", "🔥",
         "٣", "_", "A", "lose", "10", "kg", "lbs", "only", "left", "ends", "soon", "%", "off", "abc"]
SPACES = [" ", " ", " ", "  ", "\t", "\n", "\u00a0", "\u2009", "\x1c", "", "-", ", "]


def _mutate(piece: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.2:
        piece = piece.upper()
    elif roll < 0.3:
        piece = "".join(c.upper() if rng.random() < 0.5 else c for c in piece)
    elif roll < 0.35:
        piece = piece.replace("i", "İ").replace("s", "ſ").replace("k", "K")
    if rng.random() < 0.15:
        piece = rng.choice(["x", "é", "_", "1", "’"]) + piece
    if rng.random() < 0.15:
        piece = piece + rng.choice(["s", "é", "_", "9", "!"])
    return piece.replace(" ", rng.choice(SPACES)) if rng.random() < 0.3 else piece


def corpus(specs: list[RuleSpec], n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    samples = ["guaranteed results", "not guaranteed wins", "lose 10 kg", "lose 5lbs", "cafés latte", "café au",
               "ABC", "abc", "hello hello", "only  left", "ends\nsoon", "50 % off", "20% off", "!!!", "??",
               "#12", "é#€5", "cures type 2 diabetes", "Lose 10 lbs in a week", "Only 3 left",
               "earn $500 a day", "singles like you over 50", "vote for"]
    pieces = [t for s in specs for t in s.terms] + samples + NOISE
    texts = []
    for _ in range(n):
        parts = [_mutate(rng.choice(pieces), rng) for _ in range(rng.randint(1, 10))]
        texts.append("".join(p + rng.choice(SPACES) for p in parts))
    texts += ["", " ", "a\udc80b best", "İSTANBUL", "ıstanbul", "ſale", "KILO", "GRÖẞE", "ΣΟΦΊΑ"]
    return texts


def pack_specs() -> list[RuleSpec]:
    packs = load_packs()
    return [RuleSpec(len(TRICKY) + i, r.terms, r.regexes, r.word_boundary, r.case_sensitive)
            for i, (_p, r) in enumerate(packs.rules)]


def test_compiled_and_python_engines_agree_on_a_large_generated_corpus() -> None:
    specs = TRICKY + pack_specs()
    fast = compile_matcher(specs, engine="hyperscan")
    slow = compile_matcher(specs, engine="python")
    assert fast.engine_name == "hyperscan" and slow.engine_name == "python"
    texts = corpus(specs, 20_000)
    expected = [slow.scan(t) for t in texts]
    disagreements = [(t, fast.scan(t), want) for t, want in zip(texts, expected, strict=True)
                     if fast.scan(t) != want]
    assert not disagreements, disagreements[:3]
    assert {m.key for found in expected for m in found} >= set(range(len(TRICKY))), "exercise every tricky rule"
    assert sum(map(len, expected)) > 10_000


def test_scanning_a_concepts_fields_together_equals_scanning_each() -> None:
    # scan_many joins plain fields and maps each match end to its field; anchors and cross-field
    # candidates must not change a single span
    specs = TRICKY + pack_specs()
    fast = compile_matcher(specs, engine="hyperscan")
    slow = compile_matcher(specs, engine="python")
    texts = corpus(specs, 6000, seed=7)
    plain = [" ".join(t.split()) for t in texts]         # printable single-spaced: the joined path
    rng = random.Random(3)
    for pool in (texts, plain):
        at = 0
        while at < len(pool):
            n = rng.randint(1, 60)
            group = pool[at:at + n]
            at += n
            want = [slow.scan(t) for t in group]
            assert fast.scan_many(group) == want, group
            assert slow.scan_many(group) == want
    assert sum(1 for t in plain if compile_matcher(TRICKY[9:], engine="python").scan(t)) > 50


def test_reference_engine_equals_the_plain_rule_regexes() -> None:
    # the ASCII fast path of the reference engine must not change a span
    specs = TRICKY + pack_specs()
    engine = PythonEngine(specs)        # the engine itself: a Matcher matches the normal form (test_normalise)
    for text in corpus(specs, 2000, seed=5):
        plain = sorted(Match(m.start(), m.end(), s.key) for s in specs for m in python_pattern(s).finditer(text))
        assert engine.scan(text) == plain, text


@pytest.mark.parametrize(("spec", "text", "spans"), [
    (RuleSpec(0, ("best",)), "Best bestseller best.", [(0, 4), (16, 20)]),
    (RuleSpec(0, ("#1",)), "#1 and #12 and a#1", [(0, 2)]),
    (RuleSpec(0, ("FREE",), case_sensitive=True), "free FREE Free", [(5, 9)]),
    (RuleSpec(0, ("!!",), word_boundary=False), "wow!!!", [(3, 5)]),
    (RuleSpec(0, ("number one",)), "Number\n  one", [(0, 12)]),
    (RuleSpec(0, ("sale",)), "ſALE", [(0, 4)]),
])
def test_word_boundary_and_case_options(spec: RuleSpec, text: str, spans: list[tuple[int, int]]) -> None:
    for engine in ("hyperscan", "python"):
        got = compile_matcher([spec], engine=engine).scan(text)
        assert [(m.start, m.end) for m in got] == spans, engine


def test_fold_agrees_with_ignorecase() -> None:
    assert fold("İstanbul ſale  K\t\nΣ") == fold("istanbul SALE k σ") == fold("ISTANBUL sale k ς")


def test_unchanged_specs_compile_zero_times(tmp_path: Path) -> None:
    specs = TRICKY
    compile_matcher(specs, engine="hyperscan", cache_dir=tmp_path)
    assert matcher.stats().compiles == 1
    compile_matcher(specs, engine="hyperscan", cache_dir=tmp_path)
    assert matcher.stats().memory_hits == 1
    matcher.clear_cache()                                         # as a new process would
    loaded = compile_matcher(specs, engine="hyperscan", cache_dir=tmp_path)
    assert matcher.stats().compiles == 0 and matcher.stats().disk_loads == 1
    assert loaded.scan("the BEST deal!!") == [Match(4, 8, 0), Match(13, 15, 3)]
    changed = [*specs[:-1], RuleSpec(8, ("other",))]
    compile_matcher(changed, engine="hyperscan", cache_dir=tmp_path)
    assert matcher.stats().compiles == 1


def test_torn_cache_entry_is_rebuilt(tmp_path: Path) -> None:
    compile_matcher(TRICKY, engine="hyperscan", cache_dir=tmp_path)
    for path in tmp_path.glob("*.literals"):
        path.write_bytes(b"garbage")
    matcher.clear_cache()
    assert compile_matcher(TRICKY, engine="hyperscan", cache_dir=tmp_path).scan("best")
    assert matcher.stats().compiles == 1


def test_hyperscan_missing_falls_back_to_python(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(matcher, "hyperscan_available", lambda: False)
    assert compile_matcher(TRICKY).engine_name == "python"
    assert load_packs().scan("the best")[0].rule_id == "superlative"


def test_the_prefilter_keeps_word_boundaries_and_capitals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Words inside other words and lower-case forms of a capitals-only term are not sent to verification:
    each candidate costs a Python regex search, and half of all clean ad texts had one."""
    specs = [RuleSpec(0, ("end", "one")), RuleSpec(1, ("FREE",), case_sensitive=True),
             RuleSpec(2, (), (r"ease\s+\w+",))]
    engine: Any = compile_matcher(specs, engine="hyperscan").engine
    asked: list[list[int]] = []
    verify = engine.reference.verify

    def recorded(text: str, keys: list[int]) -> list[Match]:
        asked.append(keys)
        return verify(text, keys)

    monkeypatch.setattr(engine.reference, "verify", recorded)
    clean = ["Someone spent the weekend here", "Free returns, recommended by a release team", "Please note"]
    assert [engine.scan(t) for t in clean] == [[], [], []] and asked == []
    assert engine.scan_many(clean) == [[], [], []] and asked == []
    # key 3: the number-word rule every matcher adds ("one")
    assert engine.scan("The END, FREE for one, ease pain") == [Match(4, 7, 0), Match(9, 13, 1), Match(18, 21, 0),
                                                                Match(18, 21, 3), Match(23, 32, 2)]
