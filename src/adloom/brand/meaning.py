"""Pains and desires recognised by meaning, for prose the cue patterns of ``brand/prose.py`` do not anticipate.

The cue patterns catch the copywriter's stock forms ("Tired of X?", "so you can X"), but brands describe a
problem in their own words ("Weekends disappear into laundry", "the words are gone a week later"). Here each
clause of the brand's prose is embedded with the sentence model governance already loads (all-MiniLM-L6-v2)
and read by a small linear probe: a three-way logistic regression (problem, outcome, neutral) fitted on the
labelled clauses of ``brand/meaning_bank.py``. A probe learns a direction in the embedding space ("something
is wrong" against "this is what the product is"), where nearest neighbours in a small bank mostly matched the
bank's topics: a clause about wilting herbs was closer to a neutral line about seeds than to any problem.

The fit is deterministic (full-batch gradient descent from zeros); its weights ship as
``meaning_probe.npz``, keyed by the model and the bank, and are refitted in process when the key differs.
Without the sentence model (the lexical fallback embedder) nothing is recognised here: a probe over
bag-of-words vectors would only learn the bank's words.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from adloom.brand import prose
from adloom.brand.meaning_bank import DESIRES, NEUTRAL, PAINS
from adloom.brand.mining import clause_phrase
from adloom.brand.spans import Span
from adloom.governance.embeddings import Embedder

KINDS = ("pain", "desire", "neutral")
# A clause is kept when the probe gives its kind at least this probability and this lead over the next kind.
FLOOR = {"pain": 0.60, "desire": 0.65}
MARGIN = 0.25
# a clause the probe reads as this little neutral joins a problem said in the same sentence (see recognise)
SIBLING = 0.3
# a customer's quoted words are where outcomes get told ("I pick lunch off my balcony now"): there the probe's
# leaning to an outcome is enough
TOLD = 0.5
# a question is a doubt (objections are mined elsewhere) or a heading that promises an explanation
_ASKS = re.compile(r"^(?:is|are|will|does|do|can|could|what|how|why|who|should|would|am|isn't|aren't)\b", re.I)
_CLAUSE = re.compile(r"[;:()]|,\s+(?:and\s+|but\s+|so\s+|or\s+)?|\s[-\u2013\u2014]\s|\?\s*|\.\s+"
                     r"|\s+(?:but|because|so that|while|whereas|instead of)\s+", re.I)
_LEAD = re.compile(r"^(?:and|or|but|so|then|now|plus|also|just|even|still|that|which|because|if|when|with)\s+",
                   re.I)
# a customer's complaint often runs long and ends on its point ("... and my lower back complains by four"):
# clauses of up to twenty words are read, and kept whole
_WORDS = (3, 20)
_DIGIT = re.compile(r"\d")
# a clause about the product or the speaker's situation ("it's been in a drawer", "you use it on your neck"),
# an instruction ("try it properly", "use it on the couch") or a negation is not a pain or a wish of its own
_NOT_ITEM = re.compile(r"^(?:it|it's|its|this|that|these|those|you|you're|you've|we|they|there|here|try|use"
                       r"|not|knowing|why|how|what)\b", re.I)
# a fragment that is only a place, a manner or a list tail ("in plain words", "on a windowsill") is no item
_NEGATED = re.compile(r"\b(?:never|nothing|didn't|did not|couldn't|could not|wasn't|weren't|nobody|no one)\b", re.I)
_SINCE = re.compile(r"\b(?:now|no longer|any ?more|since|again)\b", re.I)
_FRAGMENT = re.compile(r"^(?:in|on|at|for|from|to|into|by|of|about|like|as|than|per|via|or|and)\b", re.I)


@dataclass(frozen=True)
class Recognised:
    kind: str          # "pain" or "desire"
    phrase: str
    span: Span
    score: float


Probe = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]
_PROBES: dict[str, Probe] = {}


def fit_probe(vectors: npt.NDArray[np.float64], labels: npt.NDArray[np.int_], *, l2: float = 1e-3,
              steps: int = 2000, rate: float = 2.0) -> Probe:
    """Multinomial logistic regression, classes weighted to equal mass; deterministic from zero weights."""
    n, dim = vectors.shape
    k = len(KINDS)
    target = np.eye(k)[labels]
    weight = (n / (k * np.bincount(labels, minlength=k)))[labels][:, None]
    w, b = np.zeros((dim, k)), np.zeros(k)
    for _ in range(steps):
        grad = (_softmax(vectors @ w + b) - target) * weight / n
        w -= rate * (vectors.T @ grad + l2 * w)
        b -= rate * grad.sum(axis=0)
    return w, b


def _softmax(z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return np.asarray(e / e.sum(axis=1, keepdims=True))


# The fitted weights ship beside this module (fitting costs ~1.5 s CPU, most of it embedding the bank); they
# are used only when their key matches the model and the bank, else the probe is fitted again in process.
SHIPPED = Path(__file__).with_name("meaning_probe.npz")


def probe_key(model_id: str) -> str:
    """What the weights depend on: the model, every bank clause and its label, the fit's settings."""
    text = "\n".join([model_id, "fit:l2=1e-3,steps=2000,rate=2.0", *PAINS, "--", *DESIRES, "--", *NEUTRAL])
    return hashlib.sha256(text.encode()).hexdigest()


def fit_bank(embedder: Embedder) -> Probe:
    texts = [*PAINS, *DESIRES, *NEUTRAL]
    labels = np.array([0] * len(PAINS) + [1] * len(DESIRES) + [2] * len(NEUTRAL))
    return fit_probe(embedder.embed(texts).astype(np.float64), labels)


def write_probe(embedder: Embedder, path: Path = SHIPPED) -> None:
    """Refit and save the shipped weights: ``python -c "from adloom.brand.meaning import *; ..."`` after a
    bank edit (the test of this module fails while they are stale)."""
    w, b = fit_bank(embedder)
    np.savez(path, w=w, b=b, key=np.array(probe_key(embedder.model_id)))


def _probe(embedder: Embedder) -> Probe:
    """The probe for this model: the shipped weights when their key matches, else fitted once per process."""
    if embedder.model_id not in _PROBES:
        probe = None
        if SHIPPED.is_file():
            with np.load(SHIPPED) as saved:
                if str(saved["key"]) == probe_key(embedder.model_id):
                    probe = (saved["w"].astype(np.float64), saved["b"].astype(np.float64))
        _PROBES[embedder.model_id] = probe or fit_bank(embedder)
    return _PROBES[embedder.model_id]


def probabilities(texts: Sequence[str], embedder: Embedder) -> npt.NDArray[np.float64]:
    """(len(texts), 3): the probe's probability of pain, desire and neutral for each text."""
    w, b = _probe(embedder)
    return _softmax(embedder.embed(list(texts)).astype(np.float64) @ w + b)


def semantic(embedder: Embedder) -> bool:
    """The lexical fallback embedder is not a sentence model: recognising meaning needs the real one."""
    return not embedder.model_id.startswith("fallback")


def clauses(span: Span) -> list[str]:
    """The span's clauses of three to twenty words, leading conjunctions dropped; a fragment of one or two
    words joins the next part ("Laptop hunch, a numb leg after a call" stays one list of complaints)."""
    parts = []
    carry = ""
    for part in _CLAUSE.split(span.text):
        part = (part or "").strip(" .!?\"'")
        previous = None
        while previous != part:
            previous, part = part, _LEAD.sub("", part)
        if not part:
            continue
        part = f"{carry}, {part}" if carry else part
        carry = part if len(part.split()) < _WORDS[0] else ""
        if not carry:
            parts.append(part)
    return [p for p in parts if _WORDS[0] <= len(p.split()) <= _WORDS[1]]


def _sure(row: npt.NDArray[np.float64]) -> bool:
    """The probe's best kind clears its floor with a lead over the next (for a negated wish read as a pain,
    the floor applies to the wish it was read as)."""
    best = int(row.argmax())
    return best != 2 and row[best] >= FLOOR[KINDS[best]] and row[best] - np.sort(row)[-2] >= MARGIN


def _kind(clause: str, row: npt.NDArray[np.float64]) -> str:
    kind = KINDS[int(row.argmax())]
    if kind == "desire" and _NEGATED.search(clause) and not _SINCE.search(clause):
        kind = "pain"     # "advice like 'just relax' never helped": the model reads the negation weakly
    return kind


_SUBJECT = re.compile(r"^(?:the|our|its|your|a|an|every|each)\s+(?:[\w-]+\s+){0,2}?(?P<n>[\w-]+)\s+"
                      r"(?:\w+\s+)?(?:is|are|has|have|[a-z]{3,}(?<!ss)s)\b", re.I)


def _product_nouns(spans: Sequence[Span], names: frozenset[str]) -> set[str]:
    """The nouns this brand's own sentences use as the subject of what the product does ("The app keeps ...",
    "Each lesson ends ..."): a clause led by one of them describes the product, not the customer's problem."""
    subject = "|".join(re.escape(n) for n in sorted(names) if n) or "(?!)"
    does = re.compile(prose._DOES.pattern.format(name=subject), re.I)
    nouns = set()
    for span in spans:
        if does.match(span.text) and (head := _SUBJECT.match(span.text)):
            nouns.add(head.group("n").lower())
    return nouns


def recognise(spans: Sequence[Span], embedder: Embedder, names: frozenset[str] = frozenset()) -> list[Recognised]:
    """Pains and desires among the spans' clauses, in span order; nothing without a sentence model.

    A clause that names the brand describes the product, not the customer; a question is a doubt."""
    if not spans or not semantic(embedder):
        return []
    candidates = [(span, clause) for span in spans if not _ASKS.match(span.text) for clause in clauses(span)
                  if not any(n and n in clause.lower() for n in names)]
    if not candidates:
        return []
    probs = probabilities([c for _, c in candidates], embedder)
    kinds = [_kind(clause, row) for (_, clause), row in zip(candidates, probs, strict=True)]
    # a sentence that lists problems ("the bins overflow, the lift is broken, nobody answers") holds more of
    # them than the probe is sure of: in a list of three clauses or more where it reads one as a problem, a
    # sibling it reads as about the customer (not neutral), is not sure is a wish and is not said to be over
    # ("... any more") is a problem too
    count = Counter(id(span) for span, _ in candidates)
    listing = {id(span) for (span, _), row in zip(candidates, probs, strict=True)
               if row.argmax() == 0 and count[id(span)] >= 3}
    product = _product_nouns(spans, names)
    found = []
    for (span, clause), row, kind in zip(candidates, probs, kinds, strict=True):
        best = int(row.argmax())
        if id(span) in listing and kind != "pain" and row[2] < SIBLING and not _sure(row) \
                and not _SINCE.search(clause):
            kind, best = "pain", 0
        elif kind == "desire" and best == 1 and row[1] >= TOLD and prose._TESTIMONIAL.search(span.text):
            pass
        elif kind == "neutral" or not _sure(row):
            continue
        if kind == "pain" and (head := _SUBJECT.match(clause)) and head.group("n").lower() in product:
            continue      # "a dashboard shows what's owed": the product at work, however the probe reads it
        if kind == "desire" and (_DIGIT.search(clause) or "," in clause or len(clause.split()) < 4):
            continue      # a number in a wish is a result to substantiate; a list or a fragment is no wish
        # tested on the clause as said: the phrase turns a customer's "I was embarrassed to ..." into "you ..."
        phrase = clause_phrase(clause, max_words=_WORDS[1])
        if len(phrase.split()) >= 3 and not _NOT_ITEM.match(clause) and not _FRAGMENT.match(clause):
            found.append(Recognised(kind, phrase, span, float(row[best])))
    return found
