"""Small, dependency-free text helpers shared by the brand miners: sentences, words, stems, normal forms."""

from __future__ import annotations

import re
import unicodedata

from adloom.injection import instruction_hits

# A compact English stop list: enough for phrase boundaries and overlap scoring, small enough to read.
_STOP_TEXT = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing don't down during each even ever every few for from
further had has have having he her here hers herself him himself his how i i'd i'll i'm i've if in into
is it it's its itself just let's like me more most much my myself no nor not now of off on once only or
other our ours ourselves out over own really same she should so some such than that that's the their
theirs them themselves then there there's these they they're this those through to too under until up
upon us very was we we're were what when where which while who whom why will with would yes yet you
you'd you'll you're you've your yours yourself yourselves one two get got going make made many say
said says thing things way well within without whether still
"""
STOPWORDS = frozenset(_STOP_TEXT.split())

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-",
                         "\u2014": "-", "\u00a0": " "})
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?(?:[-.][a-z0-9]+)*", re.IGNORECASE)
# End of a sentence: terminal punctuation (optionally closing quote) before whitespace and a capital,
# digit or opening quote; blank lines and bullet starts also end one.
_BULLET = re.compile(r"^\s*[-*•]\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[A-Z0-9\"'(])|\n\s*\n|\n\s*[-*•]\s+")



def clean(text: str) -> str:
    """Unicode-normalised text with straight quotes and single spaces."""
    return re.sub(r"[ \t]+", " ", unicodedata.normalize("NFKC", text).translate(_QUOTES)).strip()


def normalise(statement: str) -> str:
    """The normal form a claim id is hashed from: case, spacing, quotes and end punctuation ignored."""
    return re.sub(r"\s+", " ", clean(statement).lower()).strip(" .!?;:")


def sentences(text: str) -> list[str]:
    parts = _SENTENCE_END.split(clean(text))
    return [_BULLET.sub("", re.sub(r"\s+", " ", p)).strip() for p in parts if p and p.strip()]


def words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def stem(word: str) -> str:
    """A deliberately crude stemmer: enough to match 'runs'/'running'/'run' in overlap scores."""
    for suffix in ("ing", "ers", "ies", "ed", "er", "es", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiou":
        word = word[:-1]   # "runn" -> "run"
    return word


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in words(text) if w not in STOPWORDS and not w.isdigit() and len(w) > 2}


def instruction_like(text: str) -> bool:
    """Ingest flags instruction-like text per document; the miners also check each sentence with the
    same patterns, so a sentence addressed to a model is never promoted even where a flag is missing."""
    return bool(instruction_hits(text, semantic=True))
