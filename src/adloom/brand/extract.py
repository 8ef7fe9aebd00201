"""Brand intelligence from prose alone: web pages, product docs and call transcripts -> typed items.

Pains, desires, objections (with the brand's own answers), proof points, product facts, offers, voice
descriptors with examples, and segments clustered from persona-like statements. Every item is an
``Evidence`` carrying the sentence it came from and its character span, so a strategist can check it.
Forms and persona files refine the result in ``brand/assemble.py``; nothing here needs them.

Untrusted text stays data: a flagged document or an instruction-like sentence is never mined.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from adloom.brand import meaning, mining, prose, segments
from adloom.brand.mining import is_staff
from adloom.brand.spans import Span, spans
from adloom.brand.text import content_stems, instruction_like
from adloom.brand.voice import VoiceReading, read_voice
from adloom.governance.embeddings import Embedder
from adloom.naming import slugify
from adloom.screen.injection import prescreen
from adloom.types import Document, Evidence, Segment, Voice

__all__ = ["Extraction", "extract"]

_I = re.I
_GUIDANCE = re.compile(r"\b(?:voice|tone|how to talk|how we talk|how we write|style|messaging|copy guide\w*"
                       r"|brand guide\w*|words we use|language)\b", _I)
_SKIP_SECTION = re.compile(r"\b(?:safety|legal|privacy|terms|cookie|contents|sources|further reading|footer"
                           r"|careers|warnings?|what we don't claim|disclaimers?)\b", _I)
# "Lead with the feeling customers describe: sore mornings, stiff necks" -> three pains
_DESCRIBED = re.compile(r"\b(?:customers|people|members|clients|users|parents|they)\s+(?:describe|tell us"
                        r"|mention|complain about|talk about|say)\b[^:]*:\s*(?P<x>.+)", _I)
# the sentence before a customer's question that says why they doubt: a bad experience before
_BACKSTORY = re.compile(r"\b(?:tried|been burned|been burnt|got burned|let down|last time|before|already"
                        r"|used to)\b", _I)
MINED_KINDS = ("pain", "desire", "objection", "proof", "fact", "offer")


@dataclass
class Extraction:
    evidence: list[Evidence] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    voice: Voice = field(default_factory=Voice)
    avoid: list[str] = field(default_factory=list)

    def items(self, kind: str) -> list[Evidence]:
        return [e for e in self.evidence if e.kind == kind]


def extract(documents: list[Document], *, brand_names: set[str], embedder: Embedder) -> Extraction:
    names = frozenset(n.lower() for n in brand_names)
    brand_docs = [d for d in documents if d.kind in ("website", "product_doc") and not d.flags]
    calls = [d for d in documents if d.kind == "transcript" and not d.flags]
    prescreen(s.text for doc in [*brand_docs, *calls] for s in spans(doc))     # each is screened below, one by one
    found: list[tuple[prose.Found, bool]] = []       # (item, said by a customer)
    brand_spans: list[Span] = []
    headings: list[Span] = []
    hero: list[Span] = []            # the first heading of each web page: the promise the page makes
    heroes: set[str] = set()
    guidance: list[Span] = []
    for doc in brand_docs:
        doc_spans = [s for s in spans(doc) if not instruction_like(s.text)]
        if _GUIDANCE.search(doc.title):
            guidance += doc_spans
            found += [(f, False) for s in doc_spans for f in _described_pains(s)]
            continue
        if _SKIP_SECTION.search(doc.title):
            continue
        brand_spans += doc_spans
        found += [(f, False) for f in prose.heading_objection(doc.title, doc_spans)]
        found += [(f, False) for f in prose.inline_objections(doc_spans)]
        heading = _heading_span(doc)     # "Goodbye, mystery kibble" names a pain the body never repeats
        if heading.text.endswith("?"):   # an FAQ heading is a doubt, mined as an objection above
            pass
        elif doc.kind == "website" and doc.provenance.file not in heroes:
            heroes.add(doc.provenance.file)
            hero.append(heading)
            found += [(f, False) for f in prose.pains(heading)]
        else:
            headings.append(heading)
            found += [(f, False) for f in prose.pains(heading) + prose.desires(heading)]
        for span in doc_spans:
            found += [(f, False) for f in _one_sentence(span, names)]
    customer_spans: list[Span] = []
    for i, doc in enumerate(calls):
        if is_staff(doc.speaker, brand_names):     # the brand's rep states facts and offers, not pains
            found += [(f, False) for s in spans(doc) if not instruction_like(s.text)
                      for f in prose.offers(s) or prose.facts(s, names)]
            continue
        turn = [s for s in spans(doc) if not instruction_like(s.text)]
        customer_spans += turn
        reply = _next_staff_turn(calls, i, brand_names)
        for span in turn:
            found += [(f, True) for f in prose.pains(span) + prose.desires(span)]
        found += [(f, True) for f in _call_objections(turn, reply)]
    # an offer states terms and a result reports numbers ("no extra charge", "scores fell by a third"): their
    # problem words are not the reader's pain; a quoted testimonial is the customer's own words and stays
    stated = {(f.span.doc.id, f.span.start) for f, _ in found
              if f.kind == "offer" or (f.kind == "proof" and not prose._TESTIMONIAL.search(f.span.text))}
    plain = [s for s in [*brand_spans, *customer_spans] if (s.doc.id, s.start) not in stated]
    found += [(f, False) for f in _by_meaning(plain, found, names, embedder)]
    # a page heading states the outcome the page sells ("Come home to a clean house"); as a pain it is too terse
    found += [(f, False) for f in _by_meaning(headings, found, names, embedder) if f.kind == "desire"]
    found += [(f, False) for f in _hero_desires(hero, names, embedder)]
    reading = read_voice(brand_spans, guidance)
    # a pain or wish that names the brand describes the product ("Acme is a programme for people whose")
    found = [(f, c) for f, c in found if f.kind not in ("pain", "desire") or not _names(f.text, names)]
    evidence = _dedupe(_evidence(f) for f, _ in found)
    evidence += _voice_evidence(reading)
    mined = segments.cluster(segments.persona_statements([*brand_spans, *customer_spans]), embedder)
    evidence += [_persona_evidence(p, s) for s in mined for p in s.personas]
    evidence = _assign(evidence, mined, embedder)
    return Extraction(evidence=evidence, segments=_segments(mined, evidence),
                      voice=Voice(descriptors=[name for name, _ in reading.descriptors],
                                  do=[text for text, _ in reading.do], dont=[text for text, _ in reading.dont]),
                      avoid=list(dict.fromkeys(word for word, _ in reading.avoid)))


def _by_meaning(candidates: list[Span], found: list[tuple[prose.Found, bool]], names: frozenset[str],
                embedder: Embedder) -> list[prose.Found]:
    """Pains and desires recognised by meaning, also in sentences where a cue found one: a sentence often
    lists two problems and a cue catches only the clause it sits in. A clause already said is left out, and
    so is a clause holding a cue's phrase from the same sentence (the cue's cut is the tighter one)."""
    said = [(f.span.text, content_stems(f.text)) for f, _ in found if f.kind in ("pain", "desire")]
    kept = []
    for r in meaning.recognise(candidates, embedder, names):
        stems = content_stems(r.phrase)
        if not any(stems <= s or (text == r.span.text and s and s <= stems) for text, s in said):
            kept.append(prose.Found(r.kind, r.phrase, r.span))
    return kept


def _names(text: str, names: frozenset[str]) -> bool:
    return any(n and re.search(rf"\b{re.escape(n)}\b", text, _I) for n in names)


def _hero_desires(hero: list[Span], names: frozenset[str], embedder: Embedder) -> list[prose.Found]:
    """A page's first heading is the outcome it sells ("Maths homework without the tears"), even when it
    names the pain it removes; a label ("Pricing") or the brand's own name is not."""
    kept = [s for s in hero if len(s.text.split()) >= 2 and not any(n and n in s.text.lower() for n in names)]
    if not kept or not meaning.semantic(embedder):
        return []
    probs = meaning.probabilities([s.text for s in kept], embedder)
    return [prose.Found("desire", phrase, span) for span, row in zip(kept, probs, strict=True)
            if row[2] < 0.5 and (phrase := mining.clause_phrase(span.text.rstrip(".!")))]


def _heading_span(doc: Document) -> Span:
    """The section heading as a sentence of its own; it has no offsets in the body text, so its span is empty."""
    return Span(doc, 0, 0, doc.title.strip())


def _one_sentence(span: Span, names: frozenset[str]) -> list[prose.Found]:
    """An offer is one sentence's whole role; otherwise it may hold proof and a fact at once ("X is a
    fragrance-free serum with 5% niacinamide, dermatologist-tested"); pains and desires may join."""
    role = prose.offers(span) or [*prose.proof(span), *prose.facts(span, names)]
    return [*role, *prose.pains(span), *prose.desires(span)]


def _described_pains(span: Span) -> list[prose.Found]:
    match = _DESCRIBED.search(span.text)
    if not match:
        return []
    parts = re.split(r",\s*(?:and\s+|or\s+)?|\s+and\s+", match.group("x").rstrip("."))
    return [prose.Found("pain", p.strip(), span) for p in parts if len(p.split()) >= 2]


def _next_staff_turn(calls: list[Document], index: int, brand_names: set[str]) -> list[Span]:
    for doc in calls[index + 1:index + 2]:
        if doc.provenance.file == calls[index].provenance.file and is_staff(doc.speaker, brand_names):
            return [s for s in spans(doc) if not instruction_like(s.text)]
    return []


def _call_objections(turn: list[Span], reply: list[Span]) -> list[prose.Found]:
    """A customer's doubt answered by the next thing the brand's rep says."""
    found = []
    for i, span in enumerate(turn):
        # on a call every question the customer asks is a doubt the brand has to answer
        asked = span.text.endswith("?") and len(span.text.split()) >= 4
        if not (reply and (asked or prose._DOUBT_STATEMENT.search(span.text))):
            continue
        text = span.text
        before = turn[i - 1].text if asked and i else ""
        if before and not before.endswith("?") and _BACKSTORY.search(before):
            text = f"{before} {text}"     # "We tried a tutor and he sat on his phone. How do I know ...?"
        found.append(prose.Found("objection", text, span, answer=prose.answer_text(reply), answer_span=reply[0]))
    return found


def _evidence(found: prose.Found) -> Evidence:
    span = found.span
    return Evidence(kind=found.kind, text=found.text, quote=span.text, answer=found.answer,
                    source=span.provenance(), span=(span.start, span.end))


def _dedupe(items: Iterable[Evidence]) -> list[Evidence]:
    """One item per kind and meaning: the same phrase said twice, or a phrase inside a longer one."""
    kept: list[Evidence] = []
    for item in items:
        stems = content_stems(item.text) or set(item.text.lower().split())
        if any(k.kind == item.kind and (stems <= content_stems(k.text)) for k in kept):
            continue
        kept = [k for k in kept if not (k.kind == item.kind and (content_stems(k.text) or {""}) < stems)]
        kept.append(item)
    return kept


def _voice_evidence(reading: VoiceReading) -> list[Evidence]:
    items = []
    for name, examples in reading.descriptors:
        for span in examples[:1]:
            items.append(Evidence(kind="voice", text=name, quote=span.text, source=span.provenance(),
                                  span=(span.start, span.end)))
    return items


def _persona_evidence(persona: segments.Persona, segment: segments.MinedSegment) -> Evidence:
    span = persona.span
    return Evidence(kind="persona", text=persona.phrase, quote=span.text, segment_id=slugify(segment.label),
                    source=span.provenance(), span=(span.start, span.end))


def _assign(evidence: list[Evidence], mined: list[segments.MinedSegment], embedder: Embedder) -> list[Evidence]:
    """Pains, desires and objections go to the segment whose persona statements they sit closest to."""
    if not mined:
        return evidence
    targets = [i for i, e in enumerate(evidence) if e.kind in ("pain", "desire", "objection")]
    closest = segments.nearest([f"{evidence[i].text}. {evidence[i].quote}" for i in targets], mined, embedder)
    updated = list(evidence)
    for i, seg in zip(targets, closest, strict=True):
        updated[i] = evidence[i].model_copy(update={"segment_id": slugify(mined[seg].label)})
    return updated


def _segments(mined: list[segments.MinedSegment], evidence: list[Evidence]) -> list[Segment]:
    result = []
    for seg in mined:
        seg_id = slugify(seg.label)
        own = [e for e in evidence if e.segment_id == seg_id]
        sources = []
        for e in own:
            if e.source not in sources:
                sources.append(e.source)
        result.append(Segment(
            id=seg_id, label=seg.label,
            description="; ".join(dict.fromkeys(p.phrase for p in seg.personas[:3])),
            pain_points=[e.text for e in own if e.kind == "pain"],
            desires=[e.text for e in own if e.kind == "desire"],
            objections=[e.text for e in own if e.kind == "objection"],
            language_patterns=list(dict.fromkeys(e.quote for e in own if e.kind in ("pain", "desire")
                                                 and e.source.section is not None and '"' not in e.quote))[:4],
            sources=sources))
    return result
