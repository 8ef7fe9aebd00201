"""Miners over free text: customer pain statements, numeric proof points and key phrases.

Each miner is a pure function of text, so the extractor stays deterministic and offline. None of them
ever sees text that ingest flagged or that looks like an instruction: inputs are data, and a sentence
addressed to a model must not turn into a claim or a hook.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from adloom.brand.text import STOPWORDS, content_stems, instruction_like, sentences, words
from adloom.screen.injection import prescreen

StatementKind = Literal["pain", "desire"]

# "I'm so tired of X", "the hardest part is X", "I hate X" -> pain; "I just want X" -> desire.
_PATTERNS: list[tuple[StatementKind, re.Pattern[str]]] = [
    ("pain", re.compile(r"\b(?:i'?m|i am)\s+(?:so\s+|really\s+|just\s+)*(?:tired|sick)\s+of\s+(?P<x>.+)",
                        re.I)),
    ("pain", re.compile(r"\bthe\s+(?:hardest|worst|toughest)\s+(?:part|thing)\s+(?:is|was)\s+(?P<x>.+)",
                        re.I)),
    ("pain", re.compile(r"\bi\s+(?:really\s+)?(?:hate|can'?t\s+stand)\s+(?P<x>.+)", re.I)),
    ("pain", re.compile(r"\bi\s+(?:always\s+)?struggle\s+with\s+(?P<x>.+)", re.I)),
    ("desire", re.compile(r"\bi\s+(?:just|really|only)\s+want\s+(?:to\s+)?(?P<x>.+)", re.I)),
    ("desire", re.compile(r"\ball\s+i\s+want\s+is\s+(?:to\s+)?(?P<x>.+)", re.I)),
    ("desire", re.compile(r"\bi\s+wish\s+i\s+could\s+(?P<x>.+)", re.I)),
]
# Where a spoken clause stops being the pain itself and starts explaining it.
_CLAUSE_END = re.compile(
    r"\s*(?:[,;:.!?()]|\s-\s|\b(?:because|since|when|after|but|which|while|though|although|so that)\b"
    r"|\b(?:as|like)\s+(?:it|they|i)\s+used\s+to\b)", re.I)
# First person -> second person, so a mined phrase drops straight into "Tired of {pain}?".
_PERSON = {"i": "you", "i'm": "you're", "i've": "you've", "i'll": "you'll", "i'd": "you'd", "me": "you",
           "my": "your", "mine": "yours", "myself": "yourself", "we": "you", "we're": "you're", "our": "your",
           "us": "you", "am": "are"}
_MAX_PHRASE_WORDS = 8
# Words a short phrase must not end on ("waking up sore every" -> "waking up sore").
_DANGLING = frozenset((  # noqa: SIM905 - a word list reads better as text
    "a an the and or but of to for with at by from in on into about as my your our their his her its "
    "this that these those very so just really every some any").split())
_PREPOSITIONS = frozenset({"at", "of", "to", "for", "with", "in", "on", "about", "from", "by", "into"})
_STAFF_WORDS = {"rep", "agent", "sales", "support", "host", "interviewer", "advisor", "moderator", "team"}


@dataclass(frozen=True)
class Statement:
    kind: StatementKind
    phrase: str        # short, second person: "waking up sore every Sunday"
    sentence: str      # the customer's own words, unchanged


def statements(text: str) -> list[Statement]:
    """Pain and desire statements in one speaker's text, in order of appearance."""
    found: list[Statement] = []
    for sentence in sentences(text):
        if instruction_like(sentence):
            continue
        for kind, pattern in _PATTERNS:
            match = pattern.search(sentence)
            if match and (phrase := short_phrase(match.group("x"))):
                found.append(Statement(kind, phrase, sentence))
    return found


def short_phrase(tail: str) -> str:
    """Trim the words after a pain marker to a short phrase that reads well in a hook."""
    clause = _CLAUSE_END.split(tail, maxsplit=1)[0]
    whole = clause.split()
    tokens = whole[:_MAX_PHRASE_WORDS]
    # "the work they're good at" ends on its preposition by nature; only a cut phrase dangles
    stranded = len(whole) <= _MAX_PHRASE_WORDS and len(tokens) >= 3 and tokens[-1].lower() in _PREPOSITIONS
    while tokens and tokens[-1].lower().strip("'\"") in _DANGLING and not stranded:
        tokens.pop()
    tokens = [_PERSON.get(t.lower(), t) for t in tokens]
    phrase = " ".join(tokens).strip(" '\"")
    return phrase if len(tokens) >= 2 and len(phrase) >= 8 else ""


def clause_phrase(clause: str, max_words: int = 10) -> str:
    """A clause already cut at its boundaries, kept whole up to ``max_words`` (commas in a list of complaints
    stay), dangling words trimmed and turned to the second person like ``short_phrase``."""
    tokens = clause.split()[:max_words]
    while tokens and tokens[-1].lower().strip("'\",") in _DANGLING:
        tokens.pop()
    phrase = " ".join(_PERSON.get(t.lower(), t) for t in tokens).strip(" '\",")
    return phrase if len(tokens) >= 2 and len(phrase) >= 8 else ""


def is_staff(speaker: str | None, brand_names: set[str]) -> bool:
    """Reps and hosts describe customers' pains; only the customer's own words are mined."""
    if not speaker:
        return False
    lowered = speaker.lower()
    return any(name and name in lowered for name in brand_names) or bool(set(words(lowered)) & _STAFF_WORDS)


# ---------------------------------------------------------------- proof points

_PROOF = re.compile(
    r"\d[\d,.]*\s*(?:%|percent\b)"
    r"|\b\d+(?:\.\d+)?\s*(?:x|times)\b"
    r"|\b\d(?:\.\d)?\s+out\s+of\s+\d+\b"
    r"|\b\d[\d,.]*\+?\s+(?:verified\s+|happy\s+|active\s+)?(?:people|customers|members|users|buyers|athletes"
    r"|runners|reviews|participants|studies|physical\s+therapists)\b"
    r"|\b\d[\d,.]*\s*(?:db|decibels|hours?|percussions|mm|cm|lbs?|kg|g|grams|ounces|oz)\b",
    re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def proof_points(text: str) -> list[str]:
    """Sentences that state a measurable fact: percentages, multiples, counts of people, measurements.

    Durations in minutes and nights are left out on purpose: in brand copy they describe the routine or
    the offer ("a 10-minute routine", "30 nights"), not a result to substantiate. Prices are offers too.
    """
    found = []
    for sentence in sentences(text):
        n_words = len(sentence.split())
        if (_PROOF.search(sentence) and 5 <= n_words <= 50 and not sentence.endswith("?")
                and "$" not in sentence and not instruction_like(sentence)):
            found.append(sentence)
    return found


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in _NUMBER.findall(text)}


def restates(candidate: str, statement: str) -> bool:
    """True when a candidate repeats a known claim: same numbers and at least two shared content words."""
    nums = numbers(candidate)
    return bool(nums) and nums <= numbers(statement) and \
        len(content_stems(candidate) & content_stems(statement)) >= 2


# ---------------------------------------------------------------- key phrases

_PHRASE_BREAK = re.compile(r"[,;:()\"!?.]|\s-\s")


def key_phrases(texts: list[str], *, limit: int = 12, exclude: set[str] | None = None) -> list[str]:
    """RAKE-style phrases (2-4 content words between stop words), repeated ones first.

    A word scores degree/frequency (words that live in longer phrases score higher); a phrase scores
    the sum of its words, weighted by how often the brand says it.
    """
    exclude = {e.lower() for e in (exclude or set())}
    occurrences: list[tuple[str, ...]] = []
    said = [sentence for text in texts for sentence in sentences(text)]
    prescreen(said)     # screened one by one below: asked of the sentence model in one batch first
    for sentence in said:
        if instruction_like(sentence):
            continue
        for chunk in _PHRASE_BREAK.split(sentence):
            run: list[str] = []
            for word in [*words(chunk), ""]:      # "" flushes the last run
                if word and word not in STOPWORDS and not any(ch.isdigit() for ch in word):
                    run.append(word)
                    continue
                if 2 <= len(run) <= 4:
                    occurrences.append(tuple(run))
                run = []
    freq: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for phrase in occurrences:
        for word in phrase:
            freq[word] += 1
            degree[word] += len(phrase)
    counts = Counter(occurrences)

    def score(phrase: tuple[str, ...]) -> float:
        return sum(degree[w] / freq[w] for w in phrase) * (1 + math.log(counts[phrase]))

    ranked = sorted(counts, key=lambda p: (counts[p] < 2, -score(p), " ".join(p)))
    chosen: list[str] = []
    for phrase in ranked:
        text = " ".join(phrase)
        if text in exclude or any(text in c or c in text for c in chosen):
            continue
        chosen.append(text)
        if len(chosen) == limit:
            break
    return chosen
