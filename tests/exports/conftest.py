"""Small factories for the export tests: a brand, concepts with every platform's copy, verdicts."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pytest

from adloom.types import (
    Angle,
    Asset,
    Beat,
    BrandObject,
    Campaign,
    Concept,
    ConceptDraft,
    ConceptStatus,
    Deliverable,
    Finding,
    GoogleRSACopy,
    Hook,
    MetaCopy,
    RunSummary,
    Script,
    Segment,
    Shot,
    TikTokCopy,
    UGCBrief,
    Verdict,
)


def make_brand(**overrides: Any) -> BrandObject:
    fields: dict[str, Any] = {
        "name": "Restwave", "slug": "restwave", "website": "https://www.restwave.example/",
        "tagline": "Sleep that fixes Monday",
        "segments": [Segment(id="weekend-warriors", label="Weekend warriors", age_min=25, age_max=54),
                     Segment(id="new-parents", label="New parents")],
    }
    fields.update(overrides)
    return BrandObject(**fields)


def make_angle(angle_id: str = "pain-first") -> Angle:
    return Angle(id=angle_id, name=angle_id.replace("-", " ").title(), score=0.8,
                 rationale=f"{angle_id} ranked high for this vertical", emotional_triggers=["relief"])


def concept_id(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def make_draft(hook_ids: tuple[str, ...] = ("h1", "h2"), *, meta_body: str = "Wake up ready.",
               headline: str = "Sleep deeper tonight", tiktok_text: str = "Sleep deeper, wake lighter",
               rsa_headlines: list[str] | None = None) -> ConceptDraft:
    hooks = [Hook(id=h, text=f"Sore again on Monday {h}?", first_visual="Alarm at 6am",
                  on_screen_caption="Monday, again", rationale="names the pain") for h in hook_ids]
    beats = [Beat(kind="hook", start=0, end=3, visual="alarm", voiceover="Sore again?"),
             Beat(kind="solution", start=3, end=12, visual="pillow", voiceover="Meet Restwave"),
             Beat(kind="cta", start=12, end=15, visual="logo", voiceover="Try it tonight",
                  on_screen_text="Try it")]
    copies: list[MetaCopy | GoogleRSACopy | TikTokCopy] = []
    for h in hook_ids:
        copies.append(MetaCopy(hook_id=h, primary_text=f"{meta_body} ({h})", headline=headline,
                               description="Free returns", cta="SHOP_NOW"))
        copies.append(TikTokCopy(hook_id=h, ad_text=f"{tiktok_text} {h}", cta="SHOP_NOW"))
    copies.append(GoogleRSACopy(
        headlines=rsa_headlines or ["Sleep Deeper Tonight", "Wake Up Without Aches", "Restwave Pillow",
                                    "Free 100-Night Trial", "Made For Side Sleepers"],
        descriptions=["Cooling foam that holds its shape.", "Try it for 100 nights, free returns."],
        path1="pillows", path2="cooling"))
    return ConceptDraft(
        framework="PAS", hooks=hooks,
        scripts=[Script(duration=15, hook_id=hook_ids[0], beats=beats)], copy_variants=copies,
        brief=UGCBrief(persona="Amateur runner, 30s", setting="Bedroom, morning light",
                       shot_list=[Shot(description="Wake up stretching", seconds=3)],
                       talking_points=["No more stiff neck"], hook_options=["Sore again?"],
                       do=["Natural light"], dont=["Medical claims"],
                       deliverables=[Deliverable(ratio="9:16", seconds=15)]),
    )


def make_concept(angle_id: str = "pain-first", segment_id: str = "weekend-warriors",
                 status: ConceptStatus = "approved", n: int = 0, **draft_kw: Any) -> Concept:
    return Concept(id=concept_id(angle_id, segment_id, str(n)), brand_slug="restwave",
                   brand_version="v1abc", angle=make_angle(angle_id), segment_id=segment_id,
                   writer_id="fake", status=status, draft=make_draft(**draft_kw))


def make_verdict(concept: Concept, route: str = "approve", attempt: int = 1,
                 findings: list[Finding] | None = None) -> Verdict:
    return Verdict(concept_id=concept.id, attempt=attempt, route=route,  # type: ignore[arg-type]
                   findings=findings or [])


def make_summary(**overrides: Any) -> RunSummary:
    fields: dict[str, Any] = {
        "run_id": "run-20261101-1", "brand_slug": "restwave", "brand_version": "v1abc", "writer_id": "fake",
        "started_at": datetime(2026, 11, 1, 9, 0, tzinfo=UTC), "documents": 7, "angles": ["pain-first"],
        "concepts": 3, "hooks": 6, "by_status": {"approved": 2, "rejected": 1}, "first_draft_failures": 1,
        "regenerations": 1, "stage_seconds": {"ingest": 0.4, "concepts": 2.5},
        "flagged_inputs": ["transcripts/call1.txt:12: 'ignore previous instructions'"],
    }
    fields.update(overrides)
    return RunSummary(**fields)


def make_asset(concept: Concept, kind: str, placement: str, path: str, hook_id: str = "h1") -> Asset:
    return Asset(id=f"{concept.id}-{placement}-{kind}-{hook_id}", concept_id=concept.id,
                 kind=kind,  # type: ignore[arg-type]
                 placement=placement, hook_id=hook_id, path=path,
                 media_type="image/png" if kind == "image" else "video/mp4", sha256="0" * 64, generator="solid")


class Factories:
    """Handed to tests as the ``make`` fixture (conftest modules are not importable by name)."""

    brand = staticmethod(make_brand)
    concept = staticmethod(make_concept)
    draft = staticmethod(make_draft)
    verdict = staticmethod(make_verdict)
    summary = staticmethod(make_summary)
    asset = staticmethod(make_asset)


@pytest.fixture
def make() -> type[Factories]:
    return Factories


@pytest.fixture
def summary() -> RunSummary:
    return make_summary()


@pytest.fixture
def brand() -> BrandObject:
    return make_brand()


@pytest.fixture
def campaign() -> Campaign:
    return Campaign(name="Autumn Launch", link="https://restwave.example/autumn")


@pytest.fixture
def concepts() -> list[Concept]:
    return [make_concept(n=0), make_concept("social-proof", "new-parents", n=1),
            make_concept(status="rejected", n=2)]


@pytest.fixture
def verdicts(concepts: list[Concept]) -> dict[str, list[Verdict]]:
    blocked = Finding(rule_id="claims.unsubstantiated", severity="block",
                      message="numeric claim without proof", field="copy.meta[h1].headline",
                      excerpt="97% sleep better", fix_hint="cite claim c1")
    return {
        concepts[0].id: [make_verdict(concepts[0], "regenerate", 1), make_verdict(concepts[0], "approve", 2)],
        concepts[1].id: [make_verdict(concepts[1])],
        concepts[2].id: [make_verdict(concepts[2], "reject", findings=[blocked])],
    }
