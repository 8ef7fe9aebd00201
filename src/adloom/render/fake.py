"""Fakes that ship with the package: a solid-colour image generator and a sample approved concept.

``FakeImageGenerator`` (selected as ``fake``) makes a PNG of one colour, no text, instantly: for tests of
anything downstream of rendering. ``fake_concept`` builds a complete approved concept for tests and
benchmarks without a writer.
"""

from __future__ import annotations

import asyncio
import hashlib
from typing import ClassVar

from PIL import Image

from adloom.render import png
from adloom.render.base import AssetKind, Generator, RenderRequest, RenderResult
from adloom.render.colour import parse_colour
from adloom.types import (
    Angle,
    Beat,
    Concept,
    ConceptDraft,
    Deliverable,
    GoogleRSACopy,
    Hook,
    MetaCopy,
    Script,
    Shot,
    TikTokCopy,
    UGCBrief,
    sha256_file,
)


class FakeImageGenerator(Generator):
    """A solid PNG in the brand's primary colour (or ``options['colour']``). Draws no text."""

    id: ClassVar[str] = "fake"
    kinds: ClassVar[tuple[AssetKind, ...]] = ("image",)

    def __init__(self, colour: str | None = None) -> None:
        self.colour = colour

    def _write(self, request: RenderRequest) -> RenderResult:
        kit_colour = request.brand_kit.colors.get("primary", "#888")
        colour = self.colour or request.options.get("colour") or kit_colour
        size = (request.placement.width, request.placement.height)
        path = request.out_stem.with_suffix(".png")
        path.parent.mkdir(parents=True, exist_ok=True)
        png.save(Image.new("RGB", size, parse_colour(colour)), path)
        return RenderResult(path=path, media_type="image/png", kind="image", width=size[0], height=size[1],
                            sha256=sha256_file(path), generator=self.id, parameters={"colour": colour})

    async def generate(self, request: RenderRequest) -> RenderResult:
        return await asyncio.to_thread(self._write, request)


def _beats(duration: int) -> list[Beat]:
    """Five beats spread over the duration: hook, problem, solution, proof, cta."""
    plan = [("hook", 0.2, "Close-up: a tired face lit by a phone at 2 a.m.", "Still awake at two?",
             "Still awake at 2 a.m.?"),
            ("problem", 0.2, "Tossing, turning, checking the clock", "Your mind won't switch off.",
             "Racing mind, no sleep"),
            ("solution", 0.25, "The Restwave band on a bedside table, soft light", "Restwave plays gentle "
             "waves that slow your breathing.", "Gentle waves. Slower breath."),
            ("proof", 0.15, "Sleep app chart rising week over week",
             "Most users fall asleep faster in a week.", "Asleep faster in 7 nights"),
            ("cta", 0.2, "Logo end card", "Try Restwave tonight.", "Try it tonight")]
    beats, start = [], 0.0
    for i, (kind, share, visual, vo, caption) in enumerate(plan):
        end = float(duration) if i == len(plan) - 1 else round(start + share * duration, 2)
        beats.append(Beat(kind=kind, start=start, end=end, visual=visual, voiceover=vo,
                          on_screen_text=caption))
        start = end
    return beats


def fake_concept(angle_id: str = "pain-first", segment_id: str = "light-sleepers", *,
                 brand_slug: str = "restwave", headline: str = "Fall asleep in minutes, not hours",
                 status: str = "approved", seed: str = "") -> Concept:
    """A complete approved concept with copy for Meta, Google and TikTok, a 15 s script and a UGC brief."""
    cid = hashlib.sha256(f"{brand_slug}|{angle_id}|{segment_id}|{seed}".encode()).hexdigest()[:16]
    hooks = [Hook(id=f"h{i}", text=text, first_visual="Phone glowing in a dark bedroom",
                  on_screen_caption=caption, rationale="names the pain in the viewer's words")
             for i, (text, caption) in enumerate([("Still awake at two again?", "2 a.m. again?"),
                                                  ("Your brain won't switch off", "Can't switch off?")], 1)]
    draft = ConceptDraft(
        framework="PAS",
        hooks=hooks,
        scripts=[Script(duration=15, hook_id="h1", beats=_beats(15))],
        copy_variants=[
            MetaCopy(hook_id="h1", primary_text="Still awake at two again? Restwave plays gentle sound waves "
                     "that slow your breathing, so you drift off sooner.", headline=headline,
                     description="Free 30-night trial", cta="SHOP_NOW"),
            GoogleRSACopy(headlines=["Fall Asleep Faster", "Restwave Sleep Band", "Calm Your Racing Mind",
                                     "30-Night Free Trial", "Sleep Without Pills"],
                          descriptions=["Gentle sound waves that slow your breathing. Try it 30 nights free.",
                                        "Designed with sleep researchers. Free returns."]),
            TikTokCopy(hook_id="h1", ad_text="Still awake at two again? Restwave helps you drift off sooner",
                       cta="SHOP_NOW"),
        ],
        brief=UGCBrief(
            persona="Light sleeper, 28-45, works late, skeptical of gadgets",
            setting="Own bedroom at night, warm bedside lamp, phone nearby",
            shot_list=[Shot(description="Lying awake, phone lights the face", seconds=3),
                       Shot(description="Put the phone down, put on the Restwave band", seconds=4),
                       Shot(description="Morning: open curtains, rested", seconds=4),
                       Shot(description="To camera: one honest sentence on the first week", seconds=4)],
            talking_points=["What your nights were like before", "How the waves feel the first night",
                            "What changed after a week"],
            hook_options=["Still awake at two again?", "I tried a sleep band for a week"],
            do=["Film in your real bedroom", "Speak as you would to a friend",
                "Natural light for the morning"],
            dont=["Promise medical results", "Mention other brands", "Show the clock app of a competitor"],
            deliverables=[Deliverable(ratio="9:16", seconds=15), Deliverable(ratio="1:1", seconds=15)]),
        claims_used=[],
    )
    angle = Angle(id=angle_id, name=angle_id.replace("-", " ").title())
    return Concept(id=cid, brand_slug=brand_slug, brand_version="v0", angle=angle, segment_id=segment_id,
                   writer_id="fake", status=status, draft=draft)
