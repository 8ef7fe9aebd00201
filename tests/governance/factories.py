"""Small factories: a brand, a campaign and a concept that passes every core check.

Each test mutates a fresh copy, so a failing case differs from a passing one by exactly one edit.
"""

from __future__ import annotations

from adloom.types import (
    Beat,
    BrandObject,
    Campaign,
    Claim,
    Concept,
    ConceptDraft,
    Deliverable,
    GoogleRSACopy,
    Hook,
    MetaCopy,
    Offer,
    Product,
    Script,
    Segment,
    Shot,
    TikTokCopy,
    UGCBrief,
)


def brand() -> BrandObject:
    return BrandObject(
        name="Restwave",
        slug="restwave",
        vertical="sleep",
        positioning="Recovery sleep for people who train hard",
        segments=[
            Segment(
                id="runners",
                label="Runners",
                pain_points=["waking up sore"],
                desires=["fresh legs"],
                objections=["pillows all feel the same"],
                language_patterns=["dead legs"],
            )
        ],
        avoid=["miracle", "cheap", "sleep hack"],
        competitors=["SleepCo", "Dreamly"],
        claims=[
            Claim(
                id="c1",
                statement="Rated 4.8 out of 5 by 2,000 runners",
                kind="numeric",
                evidence="review export 2025-10",
                approved=True,
            ),
            Claim(
                id="c2",
                statement="Best-rated recovery pillow at the 2025 Sleep Awards",
                kind="superlative",
                evidence="award certificate",
                approved=True,
            ),
            Claim(
                id="c3",
                statement="Helps prevent neck strain overnight",
                kind="health",
                evidence="2024 lab study",
                approved=True,
            ),
            Claim(id="c4", statement="Cures back pain in a week", kind="health", approved=False),
        ],
        products=[Product(name="Restwave Pillow", price="$89", features=["cooling gel"])],
        offers=[Offer(name="Launch offer", terms="15% off", ends="2026-12-31")],
    )


def campaign() -> Campaign:
    return Campaign(name="launch", platforms=["meta", "google", "tiktok"])


HOOKS = [
    (
        "Your legs deserve a better night",
        "Runner stretching stiff calves at dawn",
        "RECOVERY STARTS AT NIGHT",
    ),
    ("Sore every morning after long runs?", "Alarm clock, then a slow limp downstairs", "THE LIMP"),
    ("Stop fighting your pillow", "Hands punching a flat pillow", "ROUND TWO"),
    ("What elite runners do after dark", "Shoes by the bed, lights off", "AFTER THE RUN"),
    ("Rated 4.8 by runners like you", "Phone screen scrolling reviews", "THEY SLEPT ON IT"),
]


def _beats(duration: int) -> list[Beat]:
    a, b, c = round(duration * 0.2), round(duration * 0.5), round(duration * 0.8)
    return [
        Beat(kind="hook", start=0, end=a, visual="Runner wakes up", voiceover="Sore again?"),
        Beat(
            kind="problem",
            start=a,
            end=b,
            visual="Limping to the kettle",
            voiceover="Flat pillows undo training.",
        ),
        Beat(
            kind="solution",
            start=b,
            end=c,
            visual="Cooling gel close-up",
            voiceover="Restwave keeps you cool.",
        ),
        Beat(
            kind="cta",
            start=c,
            end=duration,
            visual="Logo",
            voiceover="Try it tonight.",
            on_screen_text="Try Restwave",
        ),
    ]


def concept() -> Concept:
    draft = ConceptDraft(
        framework="PAS",
        hooks=[
            Hook(id=f"h{i}", text=t, first_visual=v, on_screen_caption=c, rationale="names the pain")
            for i, (t, v, c) in enumerate(HOOKS, start=1)
        ],
        scripts=[Script(duration=d, hook_id="h1", beats=_beats(d)) for d in (15, 30, 60)],
        copy_variants=[
            MetaCopy(
                hook_id="h1",
                primary_text="Your legs deserve a better night. Restwave keeps you cool.",
                headline="Sleep like you trained",
                description="Try it tonight",
                cta="LEARN_MORE",
            ),
            GoogleRSACopy(
                headlines=[
                    "Recovery Sleep For Runners",
                    "Cooling Gel Pillow",
                    "Wake Up Fresh",
                    "Made For Hard Training",
                    "Try Restwave Tonight",
                ],
                descriptions=[
                    "A cooling pillow built for runners who train hard.",
                    "Wake up with fresh legs. Rated 4.8 by 2,000 runners.",
                ],
                path1="pillow",
                path2="runners",
            ),
            TikTokCopy(
                hook_id="h2",
                ad_text="Sore every morning after long runs? Restwave keeps you cool.",
                cta="SHOP_NOW",
            ),
        ],
        brief=UGCBrief(
            persona="Amateur marathoner, 30s",
            setting="Bedroom at dawn",
            shot_list=[Shot(description="Wake up, stretch", seconds=3)],
            talking_points=["How your legs feel after a long run"],
            hook_options=["Sore again?"],
            do=["Film in natural light"],
            dont=["Never call it a miracle"],
            deliverables=[Deliverable(ratio="9:16", seconds=30)],
        ),
        claims_used=["c1"],
    )
    return Concept(
        id="k1",
        brand_slug="restwave",
        brand_version="v1",
        angle={"id": "pain-first", "name": "Pain first"},
        segment_id="runners",
        writer_id="fake",
        draft=draft,
    )
