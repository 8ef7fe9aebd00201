"""adloom.textutil: the shared text helpers (tested here, next to their first user, the formula writer)."""

from __future__ import annotations

import pytest

from adloom.textutil import (
    compile_terms,
    ensure_period,
    fit,
    has_digits,
    is_near_duplicate,
    lower_first,
    near_duplicate_of,
    sentence_case,
    strip_chars,
    strip_emoji,
    word_count,
)


@pytest.mark.parametrize(("text", "words"), [
    ("Still waking up sore?", 4), ("Old way — new way", 4), ("", 0), ("  spaced   out  ", 2),
    ("\"Too pricey\"? Let's see.", 4),
])
def test_word_count(text: str, words: int) -> None:
    assert word_count(text) == words


def test_fit_cuts_at_a_word_boundary_and_drops_dangling_punctuation() -> None:
    assert fit("Recover like you mean it", 100) == "Recover like you mean it"
    assert fit("Recover like you mean it", 14) == "Recover like"
    assert fit("Made for you, every single week", 13) == "Made for you"
    assert fit("Supercalifragilistic", 5) == "Super"
    assert all(len(fit("a b c d e f g h", n)) <= n for n in range(1, 16))


def test_strip_emoji_and_forbidden_chars() -> None:
    assert strip_emoji("Legs done 🦵🔥 today 👍🏽") == "Legs done today"
    assert strip_emoji("Family 👨‍👩‍👧 time ❤️") == "Family time"
    assert strip_emoji("Café, naïve — fine") == "Café, naïve — fine"
    assert strip_chars("#recovery {now} ok", "#{}") == "recovery now ok"


def test_terms_match_whole_words_case_insensitively() -> None:
    pattern = compile_terms(["cure", "pain-free forever", "Kneadr"])
    assert pattern is not None
    assert pattern.search("It CURES nothing") is None          # "cures" is another word
    assert pattern.search("a cure for") and pattern.search("PAIN-FREE   forever")
    assert pattern.search("secure") is None and pattern.search("kneadr's") is not None
    assert compile_terms(["", "  "]) is None


def test_near_duplicates() -> None:
    assert is_near_duplicate("Still waking up sore?", "still waking up sore")
    assert is_near_duplicate("Tired of waking up sore?", "Waking up sore? Tired of it")
    assert not is_near_duplicate("Still waking up sore?", "Your desk is not the problem")
    assert near_duplicate_of("waking up SORE", ["a", "Waking up sore!"]) == "Waking up sore!"
    assert near_duplicate_of("fresh line", ["other words entirely"]) is None


def test_casing_helpers() -> None:
    assert sentence_case("\"my legs ache.\" sound familiar? yes.") == "\"My legs ache.\" Sound familiar? Yes."
    assert lower_first("Weekend warriors") == "weekend warriors"
    assert lower_first("NHS staff") == "NHS staff" and lower_first("I have no time") == "I have no time"
    assert ensure_period("See how it works") == "See how it works."
    assert ensure_period("Sound familiar?") == "Sound familiar?"
    assert has_digits("up to 6 hours") and not has_digits("six hours")
