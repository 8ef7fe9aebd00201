"""Pains and desires recognised by meaning, for prose the cue patterns of ``brand/prose.py`` do not anticipate.

The cue patterns catch the copywriter's stock forms ("Tired of X?", "so you can X"), but brands describe a
problem in their own words ("Weekends disappear into laundry", "the words are gone a week later"). Here each
clause of the brand's prose is embedded with the sentence model governance already loads (all-MiniLM-L6-v2)
and compared with three small banks of example clauses: problems people have, outcomes people want, and the
neutral rest of a brand page (what the product is, what it costs, how to order). A clause is a pain or a
desire when it sits clearly closer to that bank than to the other two.

The banks were written for this module from general copywriting practice, across many verticals, and name
no brand of the evaluation set. Without the sentence model (the lexical fallback embedder) nothing is
recognised here: bag-of-words similarity to these banks would only measure shared words.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from adloom.brand.mining import short_phrase
from adloom.brand.spans import Span
from adloom.governance.embeddings import Embedder

PAINS = (
    "I waste hours every week on this", "it's exhausting and I never get ahead", "the results never last",
    "I always end up giving up after a few weeks", "it's too expensive for what you get",
    "nothing I try seems to work", "I feel embarrassed every time", "it keeps breaking down",
    "waiting on hold for ages", "my weekends disappear into chores", "I can't keep track of everything",
    "the mess piles up by midweek", "we argue about it all the time", "I lie awake worrying",
    "I'm always running late", "the paperwork is a nightmare", "it hurts after every session",
    "the instructions are confusing", "I forget everything a week later", "it takes forever to set up",
    "the kids refuse to eat it", "dealing with a different person every time", "hidden fees on every bill",
    "it goes off before we use it", "I freeze when someone asks me", "my skin feels tight and dry",
    "chasing people for answers", "surprise bills at the end of the month", "stuck in traffic every morning",
    "the app crashes when I need it most", "cold, draughty rooms all winter", "spending Sunday night on admin",
    "juggling three spreadsheets", "constant interruptions at work", "lonely evenings at home",
    "failing again and again", "the old one was loud and clunky", "never enough time for yourself",
    "feeling guilty about skipping it", "it leaves you short-staffed on the busiest night",
)
DESIRES = (
    "feel confident in any conversation", "spend more time with my family", "get my evenings back",
    "sleep through the night", "wake up feeling rested", "finally enjoy cooking again",
    "know exactly where my money goes", "travel without worrying", "look forward to Monday",
    "a calm, tidy home", "come home to dinner already sorted", "keep up with my kids",
    "be proud of what I made", "a body that keeps up with me", "more time on the things that matter",
    "peace of mind for the whole family", "feel like myself again", "have the house to ourselves on Saturday",
    "hit my goal this year", "a garden that actually thrives", "less stress and more free time",
    "stay independent for longer", "chat with locals on holiday", "finish the project on time",
    "a morning routine I stick to", "clear, comfortable skin", "save money without thinking about it",
    "ride to work and arrive fresh", "the freedom to work from anywhere", "a few more hours of sleep",
    "enjoy the weekend together", "run my first marathon", "focus on the work I love",
    "a team that shows up on time", "coffee that tastes like a café's at home", "a happier, healthier pet",
)
NEUTRAL = (
    "the kit includes a charger and a carry case", "plans start at ten dollars a month",
    "free delivery on orders over thirty pounds", "download the app to get started",
    "it is made from recycled aluminium", "our team is based in Manchester", "sign up in two minutes",
    "available in three sizes and four colours", "it connects to your phone over Bluetooth",
    "read our privacy policy", "contact support by email", "the battery lasts twelve hours",
    "each box contains four meals", "we ship to the UK and Ireland", "founded in 2019 by two engineers",
    "rated four point eight stars by customers", "the subscription renews every month",
    "it works with iPhone and Android", "choose a plan that suits you", "how it works",
    "tested by an independent laboratory", "the lessons are written by teachers", "about us",
    "you can cancel at any time", "a survey of two thousand customers", "weighs less than a kilogram",
    "pick a delivery day", "step one: choose your recipes", "frequently asked questions",
    "machine washable at forty degrees", "powered by a quiet motor", "what's in the box",
)
# A clause must be this close to its own bank, and this much closer to it than to either other bank.
FLOOR = {"pain": 0.30, "desire": 0.35}
MARGIN = 0.05
# a question is a doubt (objections are mined elsewhere) or a heading that promises an explanation
_ASKS = re.compile(r"^(?:is|are|will|does|do|can|could|what|how|why|who|should|would|am|isn't|aren't)\b", re.I)
_CLAUSE = re.compile(r"[;:()]|,\s+(?:and\s+|but\s+|so\s+|or\s+)?|\s[-\u2013\u2014]\s|\?\s*|\.\s+"
                     r"|\s+(?:but|because|so that|while|whereas|instead of)\s+", re.I)
_LEAD = re.compile(r"^(?:and|or|but|so|then|now|plus|also|just|even|still|that|which|because|if|when|with)\s+",
                   re.I)
_WORDS = (3, 14)
_DIGIT = re.compile(r"\d")
# a clause about the product or the speaker's situation ("it's been in a drawer", "you use it on your neck"),
# an instruction ("try it properly", "use it on the couch") or a negation is not a pain or a wish of its own
_NOT_ITEM = re.compile(r"^(?:it|it's|its|this|that|these|those|you|you're|you've|we|they|there|here|try|use"
                       r"|not|knowing|why|how|what)\b", re.I)


@dataclass(frozen=True)
class Recognised:
    kind: str          # "pain" or "desire"
    phrase: str
    span: Span
    score: float


_BANKS: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}


def _banks(embedder: Embedder) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The three banks embedded once per model."""
    if embedder.model_id not in _BANKS:
        _BANKS[embedder.model_id] = (embedder.embed(list(PAINS)), embedder.embed(list(DESIRES)),
                                     embedder.embed(list(NEUTRAL)))
    return _BANKS[embedder.model_id]


def semantic(embedder: Embedder) -> bool:
    """The lexical fallback embedder is not a sentence model: recognising meaning needs the real one."""
    return not embedder.model_id.startswith("fallback")


def clauses(span: Span) -> list[str]:
    """The span's clauses of three to fourteen words, leading conjunctions dropped."""
    found = []
    for part in _CLAUSE.split(span.text):
        part = (part or "").strip(" .!?\"'")
        previous = None
        while previous != part:
            previous, part = part, _LEAD.sub("", part)
        if _WORDS[0] <= len(part.split()) <= _WORDS[1]:
            found.append(part)
    return found


def recognise(spans: Sequence[Span], embedder: Embedder, names: frozenset[str] = frozenset()) -> list[Recognised]:
    """Pains and desires among the spans' clauses, in span order; nothing without a sentence model.

    A clause that names the brand describes the product, not the customer; a question is a doubt."""
    if not spans or not semantic(embedder):
        return []
    candidates = [(span, clause) for span in spans if not _ASKS.match(span.text) for clause in clauses(span)
                  if not any(n and n in clause.lower() for n in names)]
    if not candidates:
        return []
    pains, desires, neutral = _banks(embedder)
    vectors = embedder.embed([c for _, c in candidates])
    scores = [_top(vectors @ bank.T) for bank in (pains, desires, neutral)]
    found = []
    for i, (span, clause) in enumerate(candidates):
        own = {"pain": scores[0][i], "desire": scores[1][i]}
        kind = max(own, key=lambda k: own[k])
        rival = max(scores[2][i], own["desire" if kind == "pain" else "pain"])
        if own[kind] < FLOOR[kind] or own[kind] - rival < MARGIN or (kind == "desire" and _DIGIT.search(clause)):
            continue      # a number in a wish is a result to substantiate, not the wish
        phrase = short_phrase(clause)
        if len(phrase.split()) >= 3 and not _NOT_ITEM.match(phrase):
            found.append(Recognised(kind, phrase, span, float(own[kind])))
    return found


def _top(sims: np.ndarray, k: int = 3) -> np.ndarray:
    """The mean of each row's ``k`` best similarities: one lucky neighbour does not decide."""
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)
