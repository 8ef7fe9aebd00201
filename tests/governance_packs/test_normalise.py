"""Hidden and look-alike characters do not get words past the rules; spans point into the original text;
obfuscation and formula-like starts are findings of their own; number words count as numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from adloom.governance.matcher import RuleSpec, compile_matcher
from adloom.governance.packs import load_packs
from adloom.textnorm import normalise
from adloom.types import BrandObject

ADLOOM = Path(sys.executable).with_name("adloom")
# the eight obfuscations of the issue, each with the word it hides
OBFUSCATED = [
    ("mira\u200bcle", "zero-width space"), ("mira\u00adcle", "soft hyphen"), ("mira\x00cle", "NUL"),
    ("m\u0456racle", "Cyrillic i"), ("\uff4d\uff49\uff52\uff41\uff43\uff4c\uff45", "full-width"),
    ("MIRAC\u200dLE\u202e", "joiner and bidi override"), ("\U0001d426\U0001d422\U0001d42b\U0001d41a\U0001d41c"
                                                          "\U0001d425\U0001d41e", "mathematical bold"),
    ("m\u0336iracle", "strike-through mark"),
]


@pytest.fixture
def brand_file(tmp_path: Path) -> Path:
    path = tmp_path / "brand.yaml"
    path.write_text("name: Calm Co\nslug: calm\navoid: [miracle]\n")
    return path


@pytest.mark.parametrize(("word", "how"), OBFUSCATED)
def test_obfuscated_word_is_found_at_its_original_span(word: str, how: str) -> None:
    packs = load_packs(brand=BrandObject(name="Calm Co", slug="calm", avoid=["miracle"]))
    text = f"Our {word} pillow"
    hits = {h.rule_id: h for h in packs.scan(text)}
    assert "brand.avoid" in hits, how
    avoid = hits["brand.avoid"]
    assert text[avoid.start:avoid.end] == avoid.text and avoid.text.startswith(word[:1]), how
    assert hits["text.obfuscation"].severity == "review" and word.rstrip("\u202e") in hits["text.obfuscation"].text


def test_number_words_count_as_numbers() -> None:
    packs = load_packs()
    for text in ("Lose ten lbs in a week", "lose twenty-five pounds in two weeks", "Lose 10 l\u200bbs in a week"):
        [hit] = [h for h in packs.scan(text) if h.rule_id.startswith("weightloss")]
        assert (hit.start, hit.end) == (0, len(text)), text
    assert [h.text for h in packs.scan("the number one pillow") if h.category == "superlative"] == ["number one"]


def test_plain_text_is_its_own_normal_form_and_spans_map_back() -> None:
    for plain in ("Sleep deeper tonight.", "Caf\u00e9 cr\u00e8me \u2014 \u201cquiet\u201d nights \U0001f634",
                  "Two\nlines\tand tabs"):
        assert normalise(plain) is None, plain
    norm = normalise("a\u200bb \uff43")
    assert norm is not None and norm.text == "ab c" and norm.span(0, 2) == (0, 3) and norm.span(3, 4) == (4, 5)
    matcher = compile_matcher([RuleSpec(0, ("cure",))])
    assert matcher.scan("We c\u0443re nothing") == []              # a whole Cyrillic-y word mixed in: no
    assert [(m.start, m.end) for m in matcher.scan("We \u0441ure it")] == [(3, 7)]


def test_formula_like_start_is_flagged() -> None:
    packs = load_packs()
    for text in ('=HYPERLINK("http://x.example","Claim")', "@SUM(1,1)", "+cmd|' /C calc'!A0", "\t=1+1"):
        assert [h.rule_id for h in packs.scan(text)] == ["text.formula"], text
    assert packs.scan("-20% off this week") == [] and packs.scan("Sleep - properly") == []


def test_adloom_check_process_blocks_every_obfuscation(brand_file: Path) -> None:
    routes = []
    for word, how in OBFUSCATED:
        if "\x00" in word:
            continue        # no NUL in a command line: the library test above covers it
        done = subprocess.run([str(ADLOOM), "check", f"A {word} for sore backs", "--brand", str(brand_file),
                               "--format", "json"], capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        [result] = json.loads(done.stdout)["results"]
        ids = {f["rule_id"] for f in result["findings"]}
        assert {"brand.avoid", "text.obfuscation"} <= ids, (how, ids)
        routes.append(result["route"])
    assert set(routes) == {"reject"}
