"""Stage: rank the angle catalogue for one brand.

score = prior weight (pattern library) x brand fit (the angle's requirements met by the brand object).

The weight comes from the angle-level patterns that apply to this brand: the shipped priors (no brand) and
the ones learned from the brand's own imported performance (``adloom.feedback.learn``: posterior mean over
the brand baseline). Segment- and platform-level patterns are left to the allocation that splits the
budget across angle x segment. Several patterns for one angle type are averaged, each weighted by its
observations (a shipped prior counts as one), so imported performance outweighs lore as data accumulates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from adloom import yamlutil
from adloom.errors import WriterError
from adloom.types import Angle, AwarenessLevel, BrandObject, Claim, Pattern
from adloom.writers.base import Writer
from adloom.writers.tasks import AnglesTask, supports, valid_angles

__all__ = ["CATALOGUE_FILE", "AngleSpec", "Requirement", "angles", "brand_fit", "load_catalogue",
           "prior_weight"]

CATALOGUE_FILE = "angles.yaml"
NEUTRAL_WEIGHT = 1.0


@dataclass(frozen=True)
class Requirement:
    kind: str          # a key of REQUIREMENT_CHECKS
    factor: float      # score multiplier when unmet
    reason: str


@dataclass(frozen=True)
class AngleSpec:
    id: str
    name: str
    description: str
    emotional_triggers: tuple[str, ...]
    awareness_level: AwarenessLevel
    frameworks: tuple[str, ...]
    requirements: tuple[Requirement, ...]


def _is_date(value: str | None) -> bool:
    if not value:
        return False
    try:
        date.fromisoformat(value.strip()[:10])
    except ValueError:
        return False
    return True


def _has_deadline(brand: BrandObject, today: date | None) -> bool:
    for offer in brand.offers:
        if not _is_date(offer.ends):
            continue
        if today is None or date.fromisoformat((offer.ends or "").strip()[:10]) >= today:
            return True
    return False


def _proof(claim: Claim) -> bool:
    return claim.kind in ("testimonial", "numeric")


# Each predicate answers "does the brand hold what this angle needs?". ``today`` (optional) lets the
# caller treat expired offers as missing; without it the check is date-independent and deterministic.
REQUIREMENT_CHECKS: dict[str, Callable[[BrandObject, date | None], bool]] = {
    "segment_pain_points": lambda b, _t: any(s.pain_points for s in b.segments),
    "segment_desires": lambda b, _t: any(s.desires for s in b.segments),
    "segment_objections": lambda b, _t: any(s.objections for s in b.segments),
    "segment_language": lambda b, _t: any(s.language_patterns for s in b.segments),
    "approved_proof": lambda b, _t: any(_proof(c) for c in b.approved_claims()),
    "approved_evidence_claim": lambda b, _t: any(c.evidence for c in b.approved_claims()),
    "offer_with_deadline": _has_deadline,
    "positioning": lambda b, _t: bool(b.positioning.strip()),
    "product_details": lambda b, _t: any(p.features or p.benefits for p in b.products),
}


def _spec(entry: dict[str, Any]) -> AngleSpec:
    reqs = tuple(Requirement(r["kind"], float(r["factor"]), r["reason"])
                 for r in entry.get("requirements", []))
    unknown = [r.kind for r in reqs if r.kind not in REQUIREMENT_CHECKS]
    if unknown:
        raise ValueError(f"{CATALOGUE_FILE}: angle {entry['id']!r} has unknown requirement kinds {unknown}")
    return AngleSpec(id=entry["id"], name=entry["name"], description=entry.get("description", ""),
                     emotional_triggers=tuple(entry.get("emotional_triggers", [])),
                     awareness_level=entry["awareness_level"], frameworks=tuple(entry.get("frameworks", [])),
                     requirements=reqs)


def load_catalogue() -> list[AngleSpec]:
    """The shipped angle catalogue, in file order."""
    text = (resources.files("adloom") / "data" / CATALOGUE_FILE).read_text(encoding="utf-8")
    specs = [_spec(e) for e in yamlutil.safe_load(text)["angles"]]
    # validate the awareness level and shape through the domain model once, at load
    for s in specs:
        Angle(id=s.id, name=s.name, awareness_level=s.awareness_level)
    return specs


def prior_weight(angle_id: str, patterns: list[Pattern], brand: str | None = None) -> tuple[float, str]:
    """Observation-weighted mean of the angle patterns of an angle type for ``brand``, and their sources."""
    matching = [p for p in patterns
                if p.angle_type == angle_id and p.segment_id is None and p.platform is None
                and p.dimension == "angle" and p.brand_slug in (None, brand)]
    if not matching:
        return NEUTRAL_WEIGHT, "no pattern, neutral weight"
    mass = [max(p.observations, 1) for p in matching]
    weight = sum(p.weight * m for p, m in zip(matching, mass, strict=True)) / sum(mass)
    sources = ", ".join(sorted(f"{p.id} ({p.source}, n={p.observations})" for p in matching))
    return weight, sources


def brand_fit(spec: AngleSpec, brand: BrandObject, *, today: date | None = None) -> tuple[float, list[str]]:
    """Product of the factors of unmet requirements (1.0 when all are met), and their reasons."""
    fit = 1.0
    reasons: list[str] = []
    for req in spec.requirements:
        if not REQUIREMENT_CHECKS[req.kind](brand, today):
            fit *= req.factor
            reasons.append(req.reason)
    return fit, reasons


def angles(brand: BrandObject, patterns: list[Pattern], *, n: int = 5, today: date | None = None,
           catalogue: list[AngleSpec] | None = None) -> list[Angle]:
    """The top ``n`` angles for the brand, best first; ties broken by angle id."""
    ranked: list[Angle] = []
    for spec in catalogue if catalogue is not None else load_catalogue():
        weight, weight_note = prior_weight(spec.id, patterns, brand.slug)
        fit, reasons = brand_fit(spec, brand, today=today)
        score = round(weight * fit, 4)
        fit_note = "all requirements met" if not reasons else "; ".join(reasons)
        rationale = (f"prior weight {weight:.2f} [{weight_note}] x brand fit {fit:.2f} [{fit_note}]"
                     f" = {score:.2f}")
        ranked.append(Angle(id=spec.id, name=spec.name, description=spec.description,
                            emotional_triggers=list(spec.emotional_triggers),
                            awareness_level=spec.awareness_level, frameworks=list(spec.frameworks),
                            score=score, rationale=rationale))
    ranked.sort(key=lambda a: (-a.score, a.id))
    return ranked[:n]


async def chosen_angles(brand: BrandObject, patterns: list[Pattern], *, n: int, writer: Writer) -> list[Angle]:
    """The ranked angles, re-picked by a model writer when it can (within the ranked candidates only)."""
    catalogue = load_catalogue()
    ranked = angles(brand, patterns, n=len(catalogue), catalogue=catalogue)
    if not supports(writer, AnglesTask):
        return ranked[:n]
    task = AnglesTask(brand=brand, candidates=ranked, n=n)
    try:
        picked = valid_angles(await writer.run(task), task)
    except WriterError:
        picked = []     # the model's opinion is optional; the ranking stands without it
    return picked[:n] or ranked[:n]
