"""Segments from persona-like statements in prose, clustered by sentence embeddings.

"Built for people who still run, ride and swim", "I'm at a laptop most of the day", "members over 60":
each names who the brand serves. The who-phrases are embedded (all-MiniLM-L6-v2, the model governance
uses) and grouped by average-linkage clustering on cosine distance; each group becomes a segment, named
by its shortest phrase. Mined pains, desires and objections then go to the segment they sit closest to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from adloom.brand.spans import Span
from adloom.governance.embeddings import Embedder

_I = re.I
_WHO = r"(?:people|adults|women|men|parents|mums|moms|dads|families|kids|teens|students|professionals|workers"\
       r"|runners|riders|cyclists|swimmers|athletes|lifters|players|golfers|climbers|hikers|travell?ers|owners"\
       r"|founders|freelancers|teams|companies|businesses|creators|beginners|seniors|retirees|nurses|teachers"\
       r"|developers|engineers|managers|shoppers|cooks|gardeners|renters|homeowners|buyers|patients|members"\
       r"|customers|clients|readers|learners|couples|commuters|gamers|musicians|artists|sleepers|eaters"\
       r"|vegans|dogs|cats|pet owners|anyone|everyone|those|skin|bakers|makers|babies|toddlers|restaurants"\
       r"|cafés|cafes|venues|shops|landlords|tenants|drivers|dog owners|cat owners|households|singles"\
       r"|agencies|consultants|studios|firms|practices|clinics|salons|gyms|schools|charities|retailers|sellers"\
       r"|recruiters|agents|coaches|therapists|tutors|carers|trades|tradespeople|contractors|builders|designers"\
       r"|marketers|writers|photographers|dwellers|flat dwellers|landladies|farmers|growers|surgeries|employers"\
       r"|sons|daughters|children|grandparents|grandchildren|relatives|husbands|wives|mothers|fathers"\
       r"|pensioners|residents|neighbours|guests|diners|fans|volunteers|employees|staff|teenagers|graduates"\
       r"|girls|boys|infants|newborns|mechanics|plumbers|electricians|nannies|listeners|viewers)"
_PERSONA = [re.compile(p, _I) for p in (
    r"\b(?:for|built for|made for|designed for|created for|aimed at|serves|serving|helps|helping|loved by"
    r"|trusted by|used by|work with|works with|working with)\s+(?P<x>[^.;:]+)",
    r"\bwhether you(?:'re| are)\s+(?P<x>[^.;]+)",
    r"\bif you(?:'re| are)\s+(?P<x>(?:a|an)\s+[^.,;]+)",
    r"\bi(?:'m| am)\s+(?P<x>(?:a|an)\s+[^.,;]+|\d{2}\b[^.;]*)",
    r"\bi(?:'ve| have)\s+(?P<x>(?:run|ridden|played|cooked|worked|taught|managed|been)\b[^.;]+)",
    r"\bi(?:'m| am)\s+(?P<x>(?:at a|on my|at my|working|home|stuck)\b[^.;]+)",
    r"\bi\s+(?P<x>work\s+(?:as|in|from|at)\b[^.;]+)",
    r"\b(?P<x>(?:[\w-]+\s+){0,2}(?:people|adults|members|customers|users|clients)\s+(?:over|under|aged)\s+\d+)",
    r"\b(?:our|most)\s+(?:customers|members|users|clients|students)\s+are\s+(?P<x>[^.;]+)",
    # a group as the subject of what it knows or wants: "New parents know the drill", "Managers want ..."
    rf"^(?P<x>(?:[\w-]+\s+)?{_WHO})\s+(?:know|want|need|love|tell|say|deserve|ask|spend|hate|build|get)\b",
)]
_PERSONAL = frozenset({1, 2, 3, 4, 5, 6})    # patterns whose phrase describes the speaker, not a named group
_GROUP = re.compile(rf"\b{_WHO}\b", _I)
_SPLIT = re.compile(r",\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+", _I)
_TAIL = re.compile(r"\s+(?:every|each|all|most of|in a|who\s+(?:would|want))\b.*$", _I)
MAX_SEGMENTS = 4
DISTANCE = 0.55        # cosine distance under which two who-phrases describe the same people


@dataclass
class Persona:
    phrase: str
    span: Span


@dataclass
class MinedSegment:
    label: str
    personas: list[Persona]
    centroid: np.ndarray = field(repr=False)


def persona_statements(spans: Sequence[Span]) -> list[Persona]:
    """Who-phrases: a named group of people ("desk workers", "adults who train") or a first-person
    self-description from a call ("at a laptop most of the day")."""
    found: list[Persona] = []
    for span in spans:
        for index, pattern in enumerate(_PERSONA):
            for match in pattern.finditer(span.text):
                clause = match.group("x")
                first_person = index in _PERSONAL
                parts = [clause] if first_person or re.search(r"\bwho\b", clause, _I) else _SPLIT.split(clause)
                for part in parts:
                    phrase = " ".join(_TAIL.sub("", part).split()[:8]).strip(" ,")
                    if re.match(r"^(?:two|three|four|five|six|\d)", phrase, _I) and not first_person:
                        continue     # "two to five people" is a serving size, not a segment
                    if first_person or _GROUP.search(phrase):
                        found.append(Persona(phrase, span))
    return found


def cluster(personas: list[Persona], embedder: Embedder) -> list[MinedSegment]:
    """Persona phrases grouped by meaning; the biggest groups (most statements) first.

    Only a group that names people ("desk workers") can be a segment; a call's self-description
    ("at a laptop most of the day") joins the named group it is closest to.
    """
    named = [p for p in personas if _GROUP.search(p.phrase)]
    if not named:
        return []
    personal = [p for p in personas if not _GROUP.search(p.phrase)]
    vectors = embedder.embed([p.phrase for p in named])
    labels = _agglomerate(vectors, DISTANCE)
    groups: dict[int, list[int]] = {}
    for index, label in enumerate(labels):
        groups.setdefault(label, []).append(index)
    ordered = sorted(groups.values(), key=lambda g: (-len(g), _generic(named, g), g[0]))[:MAX_SEGMENTS]
    segments = []
    for members in ordered:
        centroid = vectors[members].mean(axis=0)
        centroid = centroid / max(float(np.linalg.norm(centroid)), 1e-12)
        chosen = [named[i] for i in members]
        segments.append(MinedSegment(_label(chosen), chosen, centroid))
    for persona, seg in zip(personal, nearest([p.phrase for p in personal], segments, embedder), strict=True):
        segments[seg].personas.append(persona)
    return segments


_GENERIC = re.compile(r"^(?:people|adults|customers|members|users|clients|everyone|anyone|those)\b", _I)


def _generic(named: list[Persona], members: list[int]) -> bool:
    return all(_GENERIC.match(named[i].phrase) for i in members)


def _agglomerate(vectors: np.ndarray, threshold: float) -> list[int]:
    """Average-linkage clustering on cosine distance, stopped at ``threshold``.

    A few dozen phrases per brand: the plain O(n^3) loop takes milliseconds, so no clustering library
    (scikit-learn would be a 40 MB dependency for these lines).
    """
    distance = 1.0 - vectors @ vectors.T
    clusters: list[list[int]] = [[i] for i in range(len(vectors))]
    while len(clusters) > 1:
        best, pair = threshold, None
        for a in range(len(clusters)):
            for b in range(a + 1, len(clusters)):
                d = float(distance[np.ix_(clusters[a], clusters[b])].mean())
                if d <= best:
                    best, pair = d, (a, b)
        if pair is None:
            break
        a, b = pair
        clusters[a] += clusters.pop(b)
    labels = [0] * len(vectors)
    for label, members in enumerate(clusters):
        for i in members:
            labels[i] = label
    return labels


def _label(personas: list[Persona]) -> str:
    """The group's most repeated head phrase, else its shortest one; "who ..." and ages dropped."""
    heads = [re.split(r"\s+(?:who|with|in|on)\s+", p.phrase, maxsplit=1)[0] for p in personas]
    heads = [re.sub(r"^(?:a|an|the|you're|you are|many|most|some|all|our|\d+)\s+", "", h, flags=_I) for h in heads]
    heads = [re.sub(r"\s+(?:aged|over|under)\s+\d+.*$", "", h, flags=_I) for h in heads]
    plural = [h for h in heads if re.search(rf"\b{_WHO}$", h, _I)] or heads
    plural = [h for h in plural if not _GENERIC.match(h)] or plural
    best = min(plural, key=lambda h: (-plural.count(h), len(h.split()), h))
    return best[:1].upper() + best[1:]


def nearest(texts: Sequence[str], segments: list[MinedSegment], embedder: Embedder) -> list[int]:
    """Index of the closest segment for each text."""
    if len(segments) <= 1 or not texts:
        return [0] * len(texts)
    vectors = embedder.embed(list(texts))
    centroids = np.stack([s.centroid for s in segments])
    return [int(i) for i in np.argmax(vectors @ centroids.T, axis=1)]
