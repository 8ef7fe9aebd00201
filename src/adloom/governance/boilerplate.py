"""Boilerplate: a hook that would fit any brand, or one hook shared by several concepts.

"Say hello to {product}, everyone" names the product and nothing else: take the brand's own names out
and no word of what its customers feel, want, doubt or are told is left. Such a hook is flagged (warn:
it is not unsafe, it is weak), and so is a hook that several concepts of one run share, since a
concept is supposed to differ in substance.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from adloom.brand.text import content_stems
from adloom.types import BrandObject, Campaign, Concept, Finding

VERSION = "1"
PACK = "boilerplate@1"
# a governor judges every concept against one brand object: its vocabulary is stemmed once, not per concept
# (it was half of a verdict's time with embeddings cached, bench_verdict). Keyed by identity, the object
# held so its id cannot be reused; brand objects are versions, never edited in place.
_VOCABULARIES: dict[int, tuple[BrandObject, set[str], set[str]]] = {}
_KEEP = 8


def brand_vocabulary(brand: BrandObject) -> set[str]:
    """Content stems of what the brand's sources say, less its names (which fit nowhere else but say little)."""
    texts = [brand.positioning, brand.tagline, *brand.key_phrases, *(c.statement for c in brand.claims)]
    texts += [e.text for e in brand.evidence if e.kind != "voice"]
    for seg in brand.segments:
        texts += [*seg.pain_points, *seg.desires, *seg.objections, *seg.language_patterns]
    for product in brand.products:
        texts += [*product.benefits, *product.features, product.description]
    return content_stems(" ".join(texts)) - _names(brand)


def _names(brand: BrandObject) -> set[str]:
    names = [brand.name, brand.slug, *(p.name for p in brand.products), *(s.label for s in brand.segments)]
    return content_stems(" ".join(names))


def generic(text: str, vocabulary: set[str], names: set[str]) -> bool:
    """True when nothing in the hook comes from the brand's sources once its names are taken out."""
    return not ((content_stems(text) - names) & vocabulary)


def _vocabulary_and_names(brand: BrandObject) -> tuple[set[str], set[str]]:
    kept = _VOCABULARIES.get(id(brand))
    if kept is None or kept[0] is not brand:
        if len(_VOCABULARIES) >= _KEEP:
            _VOCABULARIES.clear()
        kept = _VOCABULARIES[id(brand)] = (brand, brand_vocabulary(brand), _names(brand))
    return kept[1], kept[2]


def check(concept: Concept, brand: BrandObject, campaign: Campaign) -> list[Finding]:
    if concept.draft is None:
        return []
    vocabulary, names = _vocabulary_and_names(brand)
    if not vocabulary:       # nothing mined and nothing given: every hook would be flagged, which says nothing
        return []
    return [Finding(rule_id="boilerplate.generic_hook", pack=PACK, severity="warn", field=f"hooks[{hook.id}].text",
                    message="the hook would fit any brand: it names none of the customers' pains, desires, "
                            "doubts or the brand's proof", excerpt=hook.text,
                    fix_hint="Build the hook on a pain, desire, objection or proof point from the sources.")
            for hook in concept.draft.hooks if generic(hook.text, vocabulary, names)]


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower()).strip()


def shared_hooks(concepts: Sequence[Concept]) -> dict[str, list[Finding]]:
    """Per concept id: hooks whose text another concept of the run also uses."""
    owners: dict[str, set[str]] = defaultdict(set)
    for concept in concepts:
        for hook in concept.draft.hooks if concept.draft else []:
            owners[_key(hook.text)].add(concept.id)
    found: dict[str, list[Finding]] = defaultdict(list)
    for concept in concepts:
        for hook in concept.draft.hooks if concept.draft else []:
            others = owners[_key(hook.text)] - {concept.id}
            if others:
                found[concept.id].append(Finding(
                    rule_id="boilerplate.shared_hook", pack=PACK, severity="warn", field=f"hooks[{hook.id}].text",
                    message=f"the same hook is used by {len(others)} other concept(s) of this run",
                    excerpt=hook.text, fix_hint="Give each concept its own hook."))
    return dict(found)
