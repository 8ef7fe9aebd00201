"""Claim substantiation by meaning: every claim-like sentence must say what an approved claim says.

A sentence is claim-like when it holds a number, a superlative, a comparative or causal health language.
It is backed when its nearest approved claim (embedding cosine) is at least ``MEANING_MIN`` close *and*
every number in it appears in that claim or in the brand's own facts (offer terms, prices). So "Rated 4.8"
copied into "4.8x faster recovery" is caught even though the v1 lexical check sees a known number.

Findings name the span (the sentence) and the closest approved claim as the fix hint. Spans the v1 lexical
claims check already reported are left to it, so one problem is reported once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from adloom.governance.claims import SUPERLATIVE_FAMILIES, numbers
from adloom.governance.embeddings import Embedder, Matrix
from adloom.governance.fields import TextField, join_texts
from adloom.governance.lexicon import TermMatcher
from adloom.types import BrandObject, Claim, Finding, Severity

__all__ = ["MEANING_MIN", "PACK", "SEVERITY", "ClaimSpan", "Substantiator", "claim_spans"]

PACK = "substantiation@1"
MEANING_MIN = 0.55     # cosine; paraphrases of a claim score 0.6-0.95, unrelated sentences under 0.4
SEVERITY: dict[str, Severity] = {
    "claims.meaning_unbacked": "block",       # a number or superlative used in a sense no claim backs
    "claims.causal_unbacked": "block",        # "reduces soreness", "boosts recovery" without a claim
    "claims.comparative_unbacked": "review",  # "quieter than", "2x more" without a claim: context matters
}

# a sentence ends at . ! ? followed by a space or the end ("4.8x" and "No. 1" stay whole)
_SENTENCE = re.compile(r"(?:[^.!?\n]|[.!?](?=[^\s.!?]))+[.!?]*")
# "-est" words that are not superlatives ("put it to the test", "the honest answer", "the rest of you")
_NOT_SUPERLATIVE = ("test", "honest", "rest", "interest", "quest", "request", "chest", "west", "guest", "forest",
                    "modest", "contest", "protest", "harvest", "suggest", "invest", "digest", "manifest", "nest",
                    "vest", "pest", "crest", "zest", "arrest", "conquest", "inquest", "unrest", "priest", "midwest")
_SUPERLATIVE_FORM = re.compile(
    rf"\b(?:the|our|its|world's)\s+(?:(?!(?:{'|'.join(_NOT_SUPERLATIVE)})\b)\w+est|most\s+\w+)\b", re.IGNORECASE)
_COMPARATIVE = re.compile(r"\b(?:\w+er|more|less|fewer)\s+than\b|\b\d+(?:\.\d+)?\s?(?:x|times)\b"
                          r"|\b(?:faster|quicker|stronger|better|deeper|quieter)\b", re.IGNORECASE)
_CAUSAL = TermMatcher([
    "reduce", "reduces", "reduced", "relieve", "relieves", "relief", "ease", "eases", "improve", "improves",
    "boost", "boosts", "prevent", "prevents", "heal", "heals", "cure", "cures", "treat", "treats",
    "eliminate", "eliminates", "repair", "repairs", "restore", "restores", "speeds up", "clinically",
    "less soreness", "less pain", "pain relief"])
_SUPERLATIVE = TermMatcher(w for fam in SUPERLATIVE_FAMILIES for w in fam)
ClaimKind = str


@dataclass(frozen=True)
class ClaimSpan:
    field: str
    start: int
    end: int
    text: str
    kinds: tuple[ClaimKind, ...]       # "numeric", "superlative", "comparative", "causal"


_Spans = tuple[tuple[int, int, str, tuple[ClaimKind, ...]], ...]
_KINDS: tuple[ClaimKind, ...] = ("numeric", "superlative", "comparative", "causal")
# (start, end, sentence, kinds) of each text's claim-like sentences; copy lines repeat across hooks,
# platforms and concepts, so each text is read once
_SPANS: dict[str, _Spans] = {}


def _sentence_kinds(sentence: str) -> set[ClaimKind]:
    """The reference reading of one sentence (``_read`` must agree with it)."""
    kinds: set[ClaimKind] = set()
    if numbers(sentence):
        kinds.add("numeric")
    if _SUPERLATIVE.find(sentence) or _SUPERLATIVE_FORM.search(sentence):
        kinds.add("superlative")
    if _COMPARATIVE.search(sentence):
        kinds.add("comparative")
    if _CAUSAL.find(sentence):
        kinds.add("causal")
    return kinds


def _read(texts: list[str]) -> None:
    """Claim-like sentences of texts not read before, with every pattern run once over all their
    sentences joined (no pattern matches across the separator), instead of five passes per sentence."""
    sentences: list[tuple[int, int, str]] = []       # (text index, start, sentence)
    for index, text in enumerate(texts):
        for m in _SENTENCE.finditer(text):
            sentence = m.group().strip()
            if sentence:
                sentences.append((index, m.start() + m.group().index(sentence), sentence))
    joined = join_texts([s for _i, _s, s in sentences])
    if joined is None:
        kinds = [_sentence_kinds(s) for _i, _s, s in sentences]
    else:
        kinds = [set() for _ in sentences]
        spans = [(s, e, "numeric") for s, e, _v in numbers(joined.text)]
        spans += [(h.start, h.end, "superlative") for h in _SUPERLATIVE.find(joined.text)]
        spans += [(*m.span(), "superlative") for m in _SUPERLATIVE_FORM.finditer(joined.text)]
        spans += [(*m.span(), "comparative") for m in _COMPARATIVE.finditer(joined.text)]
        spans += [(h.start, h.end, "causal") for h in _CAUSAL.find(joined.text)]
        for start, end, kind in spans:
            kinds[joined.locate(start, end)[0]].add(kind)
    out: list[list[tuple[int, int, str, tuple[ClaimKind, ...]]]] = [[] for _ in texts]
    for (index, start, sentence), found in zip(sentences, kinds, strict=True):
        if found:
            out[index].append((start, start + len(sentence), sentence, tuple(k for k in _KINDS if k in found)))
    if len(_SPANS) > 65536:
        _SPANS.clear()
    _SPANS.update(zip(texts, map(tuple, out), strict=True))


def claim_spans(fields: Iterable[TextField]) -> list[ClaimSpan]:
    """Claim-like sentences of audience-facing fields."""
    audience = [f for f in fields if f.audience and f.text]
    new = [t for t in dict.fromkeys(f.text for f in audience) if t not in _SPANS]
    if new:
        _read(new)
    return [ClaimSpan(f.path, start, end, sentence, kinds)
            for f in audience for start, end, sentence, kinds in _SPANS[f.text]]


def _rule(kinds: tuple[ClaimKind, ...]) -> str:
    if "causal" in kinds:
        return "claims.causal_unbacked"
    if "numeric" in kinds or "superlative" in kinds:
        return "claims.meaning_unbacked"
    return "claims.comparative_unbacked"


class Substantiator:
    """Approved claims embedded once per run; ``check`` judges the claim spans of any number of concepts."""

    def __init__(self, brand: BrandObject, embedder: Embedder) -> None:
        self.embedder = embedder
        self.claims: list[Claim] = brand.approved_claims()
        self.vectors: Matrix = (embedder.embed([c.statement for c in self.claims]) if self.claims
                                else np.zeros((0, embedder.dim), dtype=np.float32))
        facts = [brand.name, *(f"{o.name} {o.terms} {o.ends or ''}" for o in brand.offers),
                 *(f"{p.name} {p.price or ''}" for p in brand.products)]
        self.fact_numbers = {v for t in facts for _s, _e, v in numbers(t)}
        self.claim_numbers = [{v for _s, _e, v in numbers(c.statement)} for c in self.claims]

    def backing(self, spans: list[ClaimSpan]) -> list[tuple[Claim | None, float, bool]]:
        """For each span: nearest approved claim, its cosine, and whether it backs the span."""
        if not spans:
            return []
        if not self.claims:
            return [(None, 0.0, False) for _ in spans]
        sims = self.embedder.embed([s.text for s in spans]) @ self.vectors.T
        out: list[tuple[Claim | None, float, bool]] = []
        for span, row in zip(spans, sims, strict=True):
            best = int(np.argmax(row))
            values = {v for _s, _e, v in numbers(span.text)}
            numbers_ok = values <= (self.claim_numbers[best] | self.fact_numbers)
            out.append((self.claims[best], float(row[best]), bool(row[best] >= MEANING_MIN and numbers_ok)))
        return out

    def check(self, spans: list[ClaimSpan], *, reported: set[tuple[str, int]] = frozenset()  # type: ignore[assignment]
              ) -> tuple[list[Finding], list[dict[str, object]]]:
        """Findings for unbacked spans, and every span as a Rego input record (kind, text, backed, evidence)."""
        findings: list[Finding] = []
        records: list[dict[str, object]] = []
        for span, (claim, sim, backed) in zip(spans, self.backing(spans), strict=True):
            for kind in span.kinds:
                records.append({"kind": kind, "text": span.text, "field": span.field, "backed": backed,
                                "claim_id": claim.id if claim else None,
                                "evidence": bool(claim and claim.evidence) if backed else False})
            if backed or any((span.field, i) in reported for i in range(span.start, span.end)):
                continue
            rule = _rule(span.kinds)
            hint = (f"Say it as the approved claim {claim.id} does: '{claim.statement}' (similarity {sim:.2f})"
                    if claim else "Remove it: the brand has no approved claim to back it.")
            findings.append(Finding(
                rule_id=rule, pack=PACK, severity=SEVERITY[rule], field=span.field, span=(span.start, span.end),
                excerpt=span.text, message=f"{'/'.join(span.kinds)} claim not backed by any approved claim",
                fix_hint=hint))
        return findings, records
