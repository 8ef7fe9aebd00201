"""Document[] -> BrandObject, deterministic and offline (the driver's brand stage starts here).

Explicit fields come from the onboarding form and the personas as given. Free text is mined:
customer pain statements from transcripts become segment pain points, desires and language patterns;
numeric proof points on the website and in product docs become *candidate* claims, never approved ones;
key phrases come from the brand's own text. Flagged (instruction-like) text stays data: it is never mined.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from pydantic import ValidationError

from adloom.brand import mining
from adloom.brand.extract import Extraction, extract
from adloom.brand.gaps import check_placeholders
from adloom.brand.text import clean, content_stems, instruction_like, normalise
from adloom.errors import BrandInputError
from adloom.governance.embeddings import Embedder, default_embedder
from adloom.naming import slugify
from adloom.screen.injection import prescreen
from adloom.types import (
    BrandKit,
    BrandObject,
    Claim,
    Document,
    Offer,
    Pillar,
    Product,
    Provenance,
    Segment,
    Voice,
    content_hash,
)

__all__ = ["brand_object", "carry_approvals", "claim_id", "sources_hash"]

_FREE_TEXT_KINDS = ("website", "product_doc")
_DEFAULT_SEGMENT = Segment(id="customers", label="Customers",
                           description="Everyone the brand serves (the folder has no personas).")


@functools.cache
def _embedder() -> Embedder:
    """The sentence model that clusters persona statements; loaded once per process, only when needed."""
    return default_embedder()


def brand_object(documents: list[Document], *, slug: str, previous: BrandObject | None = None,
                 embedder: Embedder | None = None) -> BrandObject:
    """Extract the brand object; ``previous`` carries claim approvals over by claim id.

    Prose (pages, docs, transcripts) is mined first (``brand.extract``); the form and persona files,
    when present, refine it: their segments, voice and offers win over the mined ones.
    """
    check_placeholders(documents)
    form, form_file = _merged_form([d for d in documents if d.kind == "form"])
    name = str(form.get("brand_name") or slug)
    names = {name.lower(), slug.lower()}
    personas = [d for d in documents if d.kind == "persona"]
    mined = extract(documents, brand_names=names,
                    embedder=embedder if embedder is not None else _embedder()) if _has_prose(documents) else None
    segments = _segments(personas) or (mined.segments if mined else []) or [_DEFAULT_SEGMENT]
    if personas or not mined or not mined.segments:
        segments = _attach_statements(segments, documents, brand_names=names)
    if personas and mined:
        segments = _refine_with_mined(segments, mined, embedder if embedder is not None else _embedder())
    own_text = [d.text for d in documents if d.kind in _FREE_TEXT_KINDS and not d.flags]
    own_text += [str(form.get(k) or "") for k in ("positioning", "tagline")]
    try:
        claims = _candidate_claims(_form_claims(form, form_file), documents)
        if previous is not None:
            claims = carry_approvals(claims, previous)
        return BrandObject(
            name=name, slug=slug,
            website=_opt_str(form.get("website")),
            vertical=str(form.get("vertical") or "general"),
            positioning=clean(str(form.get("positioning") or "")),
            tagline=clean(str(form.get("tagline") or "")),
            voice=Voice.model_validate(form.get("voice") or {}) if form.get("voice") or not mined else mined.voice,
            segments=segments,
            pillars=[_pillar(p) for p in _as_list(form.get("pillars"))],
            avoid=list(dict.fromkeys([*_str_list(form.get("avoid")), *(mined.avoid if mined else [])])),
            competitors=_str_list(form.get("competitors")),
            claims=claims,
            products=[_product(p) for p in _as_list(form.get("products"))],
            offers=[_offer(o) for o in _as_list(form.get("offers"))] or _mined_offers(mined),
            cta_vocabulary=_str_list(form.get("cta_vocabulary")),
            key_phrases=mining.key_phrases(own_text, exclude={name, slug}),
            brand_kit=_brand_kit(form.get("brand_kit")),
            required_disclosures=_str_list(form.get("required_disclosures")),
            sources_hash=sources_hash(documents),
            evidence=mined.evidence if mined else [],
        )
    except ValidationError as exc:
        err = exc.errors()[0]
        raise BrandInputError(err["msg"], file=form_file,
                              field=".".join(str(p) for p in err["loc"])) from exc


def _has_prose(documents: list[Document]) -> bool:
    return any(d.kind in ("website", "product_doc", "transcript") and not d.flags for d in documents)


def _mined_offers(mined: Extraction | None) -> list[Offer]:
    """Offers as the brand words them on its pages; never with a deadline (urgency needs a real one)."""
    return [Offer(name=e.text.rstrip(".")) for e in mined.items("offer")][:3] if mined else []


def claim_id(statement: str) -> str:
    """Stable across runs and edits of spacing, case and end punctuation."""
    return "c-" + content_hash(normalise(statement), 8)


# Bumped when the extraction rules change, so an unedited brand.yaml is re-extracted by the new rules.
EXTRACTOR_VERSION = "2"


def sources_hash(documents: list[Document]) -> str:
    """Order-independent hash of everything the brand object was extracted from, and of the rules."""
    return content_hash([f"extractor@{EXTRACTOR_VERSION}",
                         *sorted(content_hash(d.model_dump(mode="json")) for d in documents)])


# ---------------------------------------------------------------- explicit fields


def _merged_form(forms: list[Document]) -> tuple[dict[str, Any], str | None]:
    """One form dict; with several forms the first (by file name) wins field by field."""
    merged: dict[str, Any] = {}
    for doc in sorted(forms, key=lambda d: d.provenance.file):
        for key, value in (doc.data or {}).items():
            merged.setdefault(key, value)
    return merged, (min(d.provenance.file for d in forms) if forms else None)


def _segments(personas: list[Document]) -> list[Segment]:
    segments: list[Segment] = []
    seen: set[str] = set()
    for doc in personas:
        data = doc.data or {}
        label = str(data.get("label") or data.get("name") or doc.title or doc.provenance.file)
        seg_id = slugify(str(data.get("id") or label))
        while seg_id in seen:
            seg_id += "-2"
        seen.add(seg_id)
        try:
            segments.append(Segment(
                id=seg_id, label=label, description=clean(str(data.get("description") or "")),
                pain_points=_str_list(data.get("pain_points")), desires=_str_list(data.get("desires")),
                objections=_str_list(data.get("objections")),
                language_patterns=_str_list(data.get("language_patterns")),
                age_min=data.get("age_min"), age_max=data.get("age_max"), sources=[doc.provenance]))
        except ValidationError as exc:
            err = exc.errors()[0]
            raise BrandInputError(err["msg"], file=doc.provenance.file,
                                  field=".".join(str(p) for p in err["loc"])) from exc
    return segments


def _form_claims(form: dict[str, Any], form_file: str | None) -> list[Claim]:
    claims: list[Claim] = []
    for i, item in enumerate(_as_list(form.get("claims"))):
        entry = item if isinstance(item, dict) else {"statement": str(item)}
        statement = clean(str(entry.get("statement") or ""))
        if not statement:
            continue
        approved = bool(entry.get("approved", False))
        claims.append(Claim.model_validate({
            "id": claim_id(statement), "statement": statement, "kind": entry.get("kind") or "general",
            "evidence": _opt_str(entry.get("evidence")),
            "source": Provenance(file=form_file or "onboarding", section=f"claims[{i}]"),
            "approved": approved,
            # the form itself is the approval record; name it so a reviewer can trace it
            "approved_by": _opt_str(entry.get("approved_by")) or (form_file if approved else None),
            "approved_at": entry.get("approved_at"),
        }))
    return claims


def _pillar(item: Any) -> Pillar:
    if isinstance(item, dict):
        return Pillar(name=str(item.get("name", "")), description=clean(str(item.get("description") or "")),
                      proof_points=_str_list(item.get("proof_points")))
    return Pillar(name=str(item))


def _product(item: Any) -> Product:
    if not isinstance(item, dict):
        return Product(name=str(item))
    return Product(name=str(item.get("name", "")), description=clean(str(item.get("description") or "")),
                   price=_opt_str(item.get("price")), url=_opt_str(item.get("url")),
                   benefits=_str_list(item.get("benefits")), features=_str_list(item.get("features")))


def _offer(item: Any) -> Offer:
    if not isinstance(item, dict):
        return Offer(name=str(item))
    return Offer(name=str(item.get("name", "")), terms=clean(str(item.get("terms") or "")),
                 ends=_opt_str(item.get("ends")))


def _brand_kit(data: Any) -> BrandKit:
    kit = BrandKit()
    if not isinstance(data, dict):
        return kit
    # a partial palette keeps the defaults for the colours it does not name
    return BrandKit(colors={**kit.colors, **{k: str(v) for k, v in (data.get("colors") or {}).items()}},
                    fonts={**kit.fonts, **{k: str(v) for k, v in (data.get("fonts") or {}).items()}},
                    logo_path=_opt_str(data.get("logo_path")))


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _str_list(value: Any) -> list[str]:
    """Lists as given (CSV forms may hand over 'a | b'); instruction-like items are dropped."""
    if isinstance(value, str):
        value = value.split(" | ")
    items = [clean(str(v)) for v in _as_list(value)]
    prescreen(items)        # screened one by one below: asked of the sentence model in one batch first
    return [i for i in items if i and not instruction_like(i)]


def _opt_str(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


# ---------------------------------------------------------------- mined fields


def _attach_statements(segments: list[Segment], documents: list[Document], *,
                       brand_names: set[str]) -> list[Segment]:
    """Add transcript pains and desires to the segment(s) whose words they share most.

    Ties go to every tied segment; a statement that shares nothing with any segment goes to all of them.
    The speaker's other turns break ties between segments the sentence alone cannot tell apart.
    """
    turns = [d for d in documents if d.kind == "transcript" and not d.flags
             and not mining.is_staff(d.speaker, brand_names)]
    context: dict[tuple[str, str | None], set[str]] = defaultdict(set)
    for doc in turns:
        context[(doc.provenance.file, doc.speaker)] |= content_stems(doc.text)
    profiles = [content_stems(" ".join([s.label, s.description, *s.pain_points, *s.desires, *s.objections,
                                        *s.language_patterns])) for s in segments]
    updated = [s.model_copy(deep=True) for s in segments]
    for doc in turns:
        speaker_words = context[(doc.provenance.file, doc.speaker)]
        for found in mining.statements(doc.text):
            sentence_words = content_stems(found.sentence)
            scores = [(len(sentence_words & p), len(speaker_words & p)) for p in profiles]
            best = max(scores)
            for seg, score in zip(updated, scores, strict=True):
                if score == best or best == (0, 0):
                    _add(seg.pain_points if found.kind == "pain" else seg.desires, found.phrase)
                    _add(seg.language_patterns, found.sentence)
                    if doc.provenance not in seg.sources:
                        seg.sources.append(doc.provenance)
    return updated


def _refine_with_mined(segments: list[Segment], mined: Extraction, embedder: Embedder) -> list[Segment]:
    """Pains and desires mined from the pages join the persona they read closest to (sentence embeddings),
    after the persona's own: the persona file refines the mined brand, the mined phrases widen it."""
    items = [e for e in mined.evidence if e.kind in ("pain", "desire")]
    if not items or not segments:
        return segments
    profiles = embedder.embed([" ".join([s.label, s.description, *s.pain_points, *s.desires]) for s in segments])
    vectors = embedder.embed([f"{e.text}. {e.quote}" for e in items])
    closest = (vectors @ profiles.T).argmax(axis=1)
    updated = [s.model_copy(deep=True) for s in segments]
    for item, index in zip(items, closest, strict=True):
        seg = updated[int(index)]
        _add(seg.pain_points if item.kind == "pain" else seg.desires, item.text)
        if item.source not in seg.sources:
            seg.sources.append(item.source)
    return updated


def _add(items: list[str], value: str) -> None:
    if value.lower() not in {i.lower() for i in items}:
        items.append(value)


def _candidate_claims(claims: list[Claim], documents: list[Document]) -> list[Claim]:
    """Append unapproved numeric candidates from the brand's own text that no known claim restates."""
    result = list(claims)
    known = {c.id for c in claims}
    for doc in documents:
        if doc.kind not in _FREE_TEXT_KINDS or doc.flags:
            continue
        for sentence in mining.proof_points(doc.text):
            cid = claim_id(sentence)
            if cid in known or any(mining.restates(sentence, c.statement) for c in result):
                continue
            known.add(cid)
            result.append(Claim(id=cid, statement=sentence, kind="numeric", source=doc.provenance))
    return result


def carry_approvals(claims: list[Claim], previous: BrandObject) -> list[Claim]:
    before = {c.id: c for c in previous.claims}
    carried = []
    for claim in claims:
        old = before.get(claim.id)
        if old is not None:
            update: dict[str, Any] = {}
            if old.approved and not claim.approved:
                update.update(approved=True, approved_by=old.approved_by, approved_at=old.approved_at)
            if claim.evidence is None and old.evidence:
                update["evidence"] = old.evidence
            claim = claim.model_copy(update=update)
        carried.append(claim)
    return carried
