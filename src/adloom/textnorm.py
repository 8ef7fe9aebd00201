"""The text rules match: hidden characters removed, look-alikes mapped to Latin, spans kept to the original.

Copy can carry words a reader sees but a matcher does not: ``mira\\u200bcle`` (a zero-width space), a soft
hyphen, a NUL, right-to-left controls, a Cyrillic ``і`` in ``mіracle``, full-width ``ｃｕｒｅ``, bold
mathematical letters. ``normalise`` gives the form rules are matched against:

1. format and control characters are dropped (Unicode category Cf: zero-width spaces and joiners, soft
   hyphen, bidi controls, tag characters; Cc other than whitespace: NUL and friends; a few invisible
   letters such as the Hangul fillers; variation selectors);
2. each character with its combining marks is put in NFKC form (full-width and mathematical letters become
   ASCII, ligatures split); marks left on an ASCII letter that do not compose (strike-through, overlays)
   are dropped;
3. in a word that mixes Latin with letters of another script, or a non-Latin word every letter of which
   looks Latin inside Latin text, each look-alike becomes its Latin prototype from Unicode's confusables
   data (UTS #39 ``confusables.txt``, shipped and kept current by ``confusable-homoglyphs``).

Every character of the normal form remembers the span of the original it came from, so a match in the
normal form is reported at its place in the original. What was hidden is also reported (``Normalised.hidden``):
obfuscation is itself a finding. Plain text (printable ASCII, or text made only of Latin letters, common
punctuation, currency and emoji) is its own normal form, found by one regex search.

``NUMBER_WORDS`` are the English number words 0-99 and the round ones; ``with_numerals`` replaces their
spans by digits, so "lose ten lbs" is matched as "lose 10 lbs" by rules written with ``\\d``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache

__all__ = ["NUMBER_REGEX", "NUMBER_WORDS", "Hidden", "Normalised", "normalise", "number_value", "with_numerals"]

# Characters whose presence sends a text down the slow path: anything outside ASCII printables and
# whitespace, Latin-1 and Latin Extended-A/B (minus the soft hyphen), general punctuation (minus the
# zero-width and bidi controls), currency, arrows/maths/shapes/dingbats and emoji.
_SUSPECT = re.compile("[^\t-\r -~\u00a0-\u00ac\u00ae-\u024f\u2010-\u2027\u2030-\u205f\u20a0-\u20cf"
                      "\u2190-\u245f\u2500-\u2bff\U0001f300-\U0001faff]")
_INVISIBLE_LETTERS = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0")


@dataclass(frozen=True)
class Hidden:
    """A stretch of the original that reads differently from what it says: kind and original span."""

    kind: str           # "invisible", "lookalike", "compatibility", "mark"
    start: int
    end: int


@dataclass(frozen=True)
class Normalised:
    original: str
    text: str
    starts: tuple[int, ...]         # original offset where each character of ``text`` begins
    ends: tuple[int, ...]           # original offset where it ends
    hidden: tuple[Hidden, ...] = ()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of ``text[start:end]``."""
        if end <= start:
            at = self.starts[start] if start < len(self.starts) else len(self.original)
            return at, at
        return self.starts[start], self.ends[end - 1]

    def words_hidden(self) -> list[tuple[int, int, str]]:
        """(start, end, kinds) of each original word that holds hidden or look-alike characters."""
        out: list[tuple[int, int, str]] = []
        for h in self.hidden:
            start, end = _word_around(self.original, h.start, h.end)
            if out and start < out[-1][1]:
                s0, e0, kinds = out[-1]
                out[-1] = (s0, max(e0, end), kinds if h.kind in kinds.split(",") else f"{kinds},{h.kind}")
            else:
                out.append((start, end, h.kind))
        return out


def _word_around(text: str, start: int, end: int) -> tuple[int, int]:
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    while end < len(text) and not text[end].isspace():
        end += 1
    return start, end


def _invisible(ch: str) -> bool:
    cat = unicodedata.category(ch)
    if cat == "Cf" or ch in _INVISIBLE_LETTERS or 0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF:
        return True
    return (cat == "Cc" and not ch.isspace()) or "\x1c" <= ch <= "\x1f"


@cache
def _latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


@cache
def _prototypes() -> dict[str, str]:
    """Look-alike letter or digit -> the ASCII letter or digit it passes for (UTS #39 confusables)."""
    from confusable_homoglyphs.confusables import confusables_data as data  # 0.1 s: only when needed

    candidates: dict[str, set[str]] = {}
    for key, entries in data.items():
        if len(key) != 1:
            continue
        for entry in entries:
            other = entry["c"]
            if len(other) != 1:
                continue
            if key.isascii() and key.isalnum() and not other.isascii():
                candidates.setdefault(other, set()).add(key)
            elif other.isascii() and other.isalnum() and not key.isascii():
                candidates.setdefault(key, set()).add(other)
    table: dict[str, str] = {}
    for ch, options in candidates.items():
        if unicodedata.category(ch)[0] in "LN":
            table[ch] = _pick(ch, options)
    return table


def _pick(ch: str, options: set[str]) -> str:
    """Letters for letters, digits for digits, the same case where there is one; Unicode's prototype for
    the I/l/1 class is ``l``, which an upper-case look-alike passes for as ``I``."""
    kind = [o for o in options if o.isalpha() == ch.isalpha()] or sorted(options)
    if ch.isupper():
        kind = [o for o in kind if o.isupper()] or ["I" if o == "l" else o for o in kind]
    elif ch.islower():
        kind = [o for o in kind if o.islower()] or kind
    return sorted(kind)[0]


def normalise(text: str) -> Normalised | None:
    """The normal form, or None when ``text`` is its own normal form (the common case: one regex search)."""
    if text.isascii():
        if text.isprintable() or not any(_invisible(ch) for ch in text if not ch.isprintable()):
            return None
    elif _SUSPECT.search(text) is None:
        return None
    return _normalise(text)


@lru_cache(maxsize=4096)
def _normalise(text: str) -> Normalised | None:
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    hidden: list[Hidden] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        j = i + 1
        while j < n and unicodedata.combining(text[j]) and not _invisible(text[j]):
            j += 1
        if _invisible(ch):
            hidden.append(Hidden("invisible", i, j))
            i = j
            continue
        cluster = text[i:j]
        form = unicodedata.normalize("NFKC", cluster) if not cluster.isascii() else cluster
        if form != cluster and unicodedata.category(ch)[0] in "LN" and not 0xFB00 <= ord(ch) <= 0xFB06 \
                and unicodedata.normalize("NFC", cluster) != form:
            hidden.append(Hidden("compatibility", i, j))
        if ch.isascii() and any(unicodedata.combining(c) for c in form):
            hidden.append(Hidden("mark", i, j))
            form = "".join(c for c in form if not unicodedata.combining(c))
        for c in form:
            chars.append(c)
            starts.append(i)
            ends.append(j)
        i = j
    _map_lookalikes(chars, starts, ends, hidden)
    out = "".join(chars)
    if out == text:
        return None
    hidden.sort(key=lambda h: (h.start, h.end))
    return Normalised(text, out, tuple(starts), tuple(ends), tuple(hidden))


_WORD = re.compile(r"\w+")


def _map_lookalikes(chars: list[str], starts: list[int], ends: list[int], hidden: list[Hidden]) -> None:
    """Look-alike letters become Latin in mixed-script words, and in wholly look-alike words of Latin text."""
    text = "".join(chars)
    if all(_latin(c) for c in text if c.isalpha()):
        return
    table = _prototypes()
    latin_text = sum(1 for c in text if c.isalpha() and _latin(c)) >= 3
    for m in _WORD.finditer(text):
        word = m.group()
        foreign = [k for k, c in enumerate(word, m.start()) if c.isalpha() and not _latin(c)]
        if not foreign:
            continue
        mixed = any(c.isalpha() and _latin(c) for c in word)
        if not (mixed or (latin_text and all(text[k] in table for k in foreign))):
            continue
        for k in foreign:
            proto = table.get(chars[k])
            if proto is not None:
                chars[k] = proto
                hidden.append(Hidden("lookalike", starts[k], ends[k]))


# ---------------------------------------------------------------- number words

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "  # noqa: SIM905
          "sixteen seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}


def _number_words() -> dict[str, int]:
    words = {w: n for n, w in enumerate(_UNITS)} | dict(_TENS)
    for tens, value in _TENS.items():
        for unit in range(1, 10):
            words[f"{tens}-{_UNITS[unit]}"] = words[f"{tens} {_UNITS[unit]}"] = value + unit
    words |= {"a dozen": 12, "dozen": 12, "a hundred": 100, "one hundred": 100, "hundred": 100,
              "a thousand": 1000, "one thousand": 1000, "thousand": 1000, "a million": 1_000_000,
              "million": 1_000_000}
    return words


NUMBER_WORDS: dict[str, int] = _number_words()


def _trie(words: Iterable[str]) -> str:
    """One regex for a word list, branching letter by letter: ``re`` then tries one branch per position
    instead of every word (16x faster than the plain alternation of these 200 words)."""
    tree: dict[str, dict] = {}  # type: ignore[type-arg,unused-ignore]
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:  # type: ignore[type-arg,unused-ignore]
        alts = [(r"\s+" if ch == " " else re.escape(ch)) + emit(node[ch]) for ch in sorted(k for k in node if k)]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + ("?" if "" in node else "")

    return emit(tree)


NUMBER_REGEX = _trie(NUMBER_WORDS)


def number_value(phrase: str) -> int | None:
    return NUMBER_WORDS.get(" ".join(phrase.lower().replace("-", " - ").split()).replace(" - ", "-"))


def with_numerals(text: str, spans: Iterable[tuple[int, int]]) -> Normalised:
    """``text`` with each number-word span (non-overlapping, ascending) written in digits."""
    # slices and ranges, not a loop per character: one text in sixteen of ad copy holds a number word
    parts: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    at = 0
    for start, end in spans:
        value = number_value(text[start:end])
        if value is None or start < at:
            continue
        digits = str(value)
        parts += (text[at:start], digits)
        starts += [*range(at, start), *[start] * len(digits)]
        ends += [*range(at + 1, start + 1), *[end] * len(digits)]
        at = end
    parts.append(text[at:])
    starts += range(at, len(text))
    ends += range(at + 1, len(text) + 1)
    return Normalised(text, "".join(parts), tuple(starts), tuple(ends))
