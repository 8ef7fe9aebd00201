"""Table-driven cases for every core rule: one edit away from a concept that passes everything."""

from __future__ import annotations

import pytest

from adloom.governance.gate import run_checks
from adloom.governance.limits import emoji_spans
from adloom.governance.rules import SEVERITY
from adloom.types import Campaign, Finding

from .edit import Edit, both, delete, keep, set_
from .factories import brand, campaign, concept


def _findings(edit: Edit | None = None, camp: Campaign | None = None) -> list[Finding]:
    c = concept()
    if edit is not None:
        edit(c)
    findings, _ = run_checks(c, brand(), camp or campaign())
    return findings


def test_the_base_concept_passes_every_check() -> None:
    assert _findings() == []


HOOK = "draft.hooks.0"
S30 = "draft.scripts.1"
META, GOOGLE, TIKTOK = "draft.copy_variants.0", "draft.copy_variants.1", "draft.copy_variants.2"

# (case id, edit, rule_id, field, span)
FAILING: list[tuple[str, Edit, str, str, tuple[int, int] | None]] = [
    # structure
    ("no draft", set_("draft", None), "structure.draft_missing", "draft", None),
    ("writer error", set_("error", "timeout"), "structure.draft_missing", "draft", None),
    (
        "empty draft",
        both(set_("draft.hooks", []), set_("draft.scripts", []), set_("draft.copy_variants", [])),
        "structure.draft_empty",
        "draft",
        None,
    ),
    ("no hooks", set_("draft.hooks", []), "structure.hooks_missing", "hooks", None),
    ("four hooks", delete("draft.hooks.4"), "structure.hooks_count", "hooks", None),
    ("duplicate hook id", set_("draft.hooks.4.id", "h4"), "structure.hook_id_duplicate", "hooks[h4]", None),
    (
        "script names unknown hook",
        set_("draft.scripts.0.hook_id", "h9"),
        "structure.hook_ref_unknown",
        "scripts[15].hook_id",
        None,
    ),
    (
        "meta copy names unknown hook",
        set_(f"{META}.hook_id", "h9"),
        "structure.hook_ref_unknown",
        "copy.meta[h9].hook_id",
        None,
    ),
    (
        "nine-word hook",
        set_(f"{HOOK}.text", "Your legs deserve a much better night than this"),
        "structure.hook_too_long",
        "hooks[h1].text",
        (43, 47),
    ),
    (
        "blank caption",
        set_(f"{HOOK}.on_screen_caption", "  "),
        "structure.hook_part_empty",
        "hooks[h1].on_screen_caption",
        None,
    ),
    (
        "caption repeats line",
        set_(f"{HOOK}.on_screen_caption", "YOUR LEGS DESERVE A BETTER NIGHT!"),
        "structure.hook_parts_repeat",
        "hooks[h1].on_screen_caption",
        (0, 33),
    ),
    (
        "caption quotes part of line",
        set_(f"{HOOK}.on_screen_caption", "legs deserve better"),
        "structure.hook_parts_repeat",
        "hooks[h1].on_screen_caption",
        (0, 19),
    ),
    (
        "no 30s script",
        keep("draft.scripts", lambda s: s.duration != 30),
        "structure.script_missing",
        "scripts[30]",
        None,
    ),
    (
        "script without hook beat",
        set_(f"{S30}.beats.0.kind", "proof"),
        "structure.script_missing_hook",
        "scripts[30].beats",
        None,
    ),
    (
        "script without body",
        both(set_(f"{S30}.beats.1.kind", "proof"), set_(f"{S30}.beats.2.kind", "proof")),
        "structure.script_missing_body",
        "scripts[30].beats",
        None,
    ),
    (
        "script without cta",
        set_(f"{S30}.beats.3.kind", "proof"),
        "structure.script_missing_cta",
        "scripts[30].beats",
        None,
    ),
    (
        "gap between beats",
        set_(f"{S30}.beats.2.start", 16.0),
        "structure.beats_not_contiguous",
        "scripts[30].beats[2]",
        None,
    ),
    (
        "first beat after 0",
        set_(f"{S30}.beats.0.start", 1.0),
        "structure.beats_not_contiguous",
        "scripts[30].beats[0]",
        None,
    ),
    (
        "beats end early",
        set_(f"{S30}.beats.3.end", 28.0),
        "structure.beats_not_contiguous",
        "scripts[30].beats",
        None,
    ),
    (
        "no tiktok copy",
        keep("draft.copy_variants", lambda c: c.platform != "tiktok"),
        "structure.copy_missing",
        "copy.tiktok",
        None,
    ),
    # platform limits
    (
        "empty meta headline",
        set_(f"{META}.headline", " "),
        "limits.field_empty",
        "copy.meta[h1].headline",
        None,
    ),
    (
        "empty tiktok text",
        set_(f"{TIKTOK}.ad_text", ""),
        "limits.field_empty",
        "copy.tiktok[h2].ad_text",
        None,
    ),
    (
        "meta headline over 255",
        set_(f"{META}.headline", "x" * 256),
        "limits.over_hard",
        "copy.meta[h1].headline",
        (255, 256),
    ),
    (
        "meta primary text over 2200",
        set_(f"{META}.primary_text", "x" * 2201),
        "limits.over_hard",
        "copy.meta[h1].primary_text",
        (2200, 2201),
    ),
    (
        "google headline over 30",
        set_(f"{GOOGLE}.headlines.0", "A" * 31),
        "limits.over_hard",
        "copy.google[1].headlines[0]",
        (30, 31),
    ),
    (
        "google description over 90",
        set_(f"{GOOGLE}.descriptions.1", "d" * 95),
        "limits.over_hard",
        "copy.google[1].descriptions[1]",
        (90, 95),
    ),
    (
        "google path over 15",
        set_(f"{GOOGLE}.path1", "runners-recovery"),
        "limits.over_hard",
        "copy.google[1].path1",
        (15, 16),
    ),
    (
        "tiktok text over 100",
        set_(f"{TIKTOK}.ad_text", "t" * 101),
        "limits.over_hard",
        "copy.tiktok[h2].ad_text",
        (100, 101),
    ),
    (
        "meta headline over 40",
        set_(f"{META}.headline", "h" * 41),
        "limits.over_recommended",
        "copy.meta[h1].headline",
        (40, 41),
    ),
    (
        "meta primary text over 125",
        set_(f"{META}.primary_text", "p" * 126),
        "limits.over_recommended",
        "copy.meta[h1].primary_text",
        (125, 126),
    ),
    (
        "meta description over 30",
        set_(f"{META}.description", "d" * 31),
        "limits.over_recommended",
        "copy.meta[h1].description",
        (30, 31),
    ),
    (
        "meta cta not an enum value",
        set_(f"{META}.cta", "BUY_NOW"),
        "limits.cta_invalid",
        "copy.meta[h1].cta",
        (0, 7),
    ),
    (
        "tiktok cta not an enum value",
        set_(f"{TIKTOK}.cta", "GET_OFFER"),
        "limits.cta_invalid",
        "copy.tiktok[h2].cta",
        (0, 9),
    ),
    (
        "four google headlines",
        delete(f"{GOOGLE}.headlines.4"),
        "limits.google_headline_count",
        "copy.google[1].headlines",
        None,
    ),
    (
        "sixteen google headlines",
        set_(f"{GOOGLE}.headlines", [f"Headline {i}" for i in range(16)]),
        "limits.google_headline_count",
        "copy.google[1].headlines",
        None,
    ),
    (
        "duplicate google headline",
        set_(f"{GOOGLE}.headlines.4", "wake up  FRESH"),
        "limits.google_headline_duplicate",
        "copy.google[1].headlines[4]",
        (0, 14),
    ),
    (
        "one google description",
        delete(f"{GOOGLE}.descriptions.1"),
        "limits.google_description_count",
        "copy.google[1].descriptions",
        None,
    ),
    (
        "hashtag in tiktok text",
        set_(f"{TIKTOK}.ad_text", "Sore legs? #recovery"),
        "limits.tiktok_forbidden_char",
        "copy.tiktok[h2].ad_text",
        (11, 12),
    ),
    (
        "brace in tiktok text",
        set_(f"{TIKTOK}.ad_text", "Hi {there"),
        "limits.tiktok_forbidden_char",
        "copy.tiktok[h2].ad_text",
        (3, 4),
    ),
    (
        "emoji in tiktok text",
        set_(f"{TIKTOK}.ad_text", "Sore legs? \U0001f634 Sleep"),
        "limits.tiktok_forbidden_char",
        "copy.tiktok[h2].ad_text",
        (11, 12),
    ),
    # brand lexicon
    (
        "avoid word in hook",
        set_(f"{HOOK}.text", "The Miracle pillow for runners"),
        "brand.avoid",
        "hooks[h1].text",
        (4, 11),
    ),
    (
        "avoid phrase across spaces",
        set_(f"{META}.primary_text", "My SLEEP  hack for runners"),
        "brand.avoid",
        "copy.meta[h1].primary_text",
        (3, 14),
    ),
    (
        "avoid word in a beat",
        set_(f"{S30}.beats.2.voiceover", "No cheap foam."),
        "brand.avoid",
        "scripts[30].beats[2].voiceover",
        (3, 8),
    ),
    (
        "avoid word in a visual",
        set_(f"{S30}.beats.2.visual", "A cheap pillow"),
        "brand.avoid",
        "scripts[30].beats[2].visual",
        (2, 7),
    ),
    (
        "avoid word in the brief",
        set_("draft.brief.talking_points.0", "Not a miracle"),
        "brand.avoid",
        "brief.talking_points[0]",
        (6, 13),
    ),
    (
        "competitor in copy",
        set_(f"{META}.primary_text", "Softer than SleepCo, cooler too."),
        "brand.competitor",
        "copy.meta[h1].primary_text",
        (12, 19),
    ),
    (
        "competitor in google headline",
        set_(f"{GOOGLE}.headlines.2", "Better Than dreamly"),
        "brand.competitor",
        "copy.google[1].headlines[2]",
        (12, 19),
    ),
    # claims
    (
        "unbacked percentage",
        set_(f"{HOOK}.text", "Sleep 37% deeper tonight"),
        "claims.number_unbacked",
        "hooks[h1].text",
        (6, 9),
    ),
    (
        "unbacked number on screen",
        set_(f"{S30}.beats.3.on_screen_text", "Join 10,000 runners"),
        "claims.number_unbacked",
        "scripts[30].beats[3].on_screen_text",
        (5, 11),
    ),
    (
        "unbacked superlative",
        set_(f"{HOOK}.text", "The fastest recovery pillow"),
        "claims.superlative_unbacked",
        "hooks[h1].text",
        (4, 11),
    ),
    (
        "unbacked number one",
        set_(f"{META}.headline", "#1 pillow for runners"),
        "claims.superlative_unbacked",
        "copy.meta[h1].headline",
        (0, 2),
    ),
    (
        "unbacked world's first",
        set_(f"{TIKTOK}.ad_text", "The world's first cooling pillow"),
        "claims.superlative_unbacked",
        "copy.tiktok[h2].ad_text",
        (4, 17),
    ),
    (
        "health word",
        set_(f"{HOOK}.text", "Cures sore legs overnight"),
        "claims.health_unbacked",
        "hooks[h1].text",
        (0, 5),
    ),
    (
        "treats X as well as Y is a claim",
        set_(f"{META}.primary_text", "It treats sore legs as well as ice."),
        "claims.health_unbacked",
        "copy.meta[h1].primary_text",
        (3, 9),
    ),
    (
        "health word backed only by an unapproved claim",
        set_(f"{META}.primary_text", "It heals tired legs."),
        "claims.health_unbacked",
        "copy.meta[h1].primary_text",
        (3, 8),
    ),
    (
        "unapproved claim used",
        set_("draft.claims_used", ["c1", "c4"]),
        "claims.reference_unapproved",
        "claims_used[1]",
        (0, 2),
    ),
    (
        "unknown claim used",
        set_("draft.claims_used", ["c9"]),
        "claims.reference_unapproved",
        "claims_used[0]",
        (0, 2),
    ),
]


@pytest.mark.parametrize(
    ("edit", "rule_id", "field", "span"), [c[1:] for c in FAILING], ids=[c[0] for c in FAILING]
)
def test_rule_fires_with_field_and_span(
    edit: Edit, rule_id: str, field: str, span: tuple[int, int] | None
) -> None:
    hits = [f for f in _findings(edit) if f.rule_id == rule_id]
    assert [(f.field, f.span) for f in hits] == [(field, span)]
    (hit,) = hits
    assert hit.severity == SEVERITY[rule_id] and hit.pack == "core@1"
    assert hit.message and hit.fix_hint


def test_every_rule_has_a_failing_case() -> None:
    assert {c[2] for c in FAILING} == set(SEVERITY)


# (case id, edit) — near misses: each sits just inside the rule it names, so no finding at all
PASSING: list[tuple[str, Edit]] = [
    ("eight-word hook", set_(f"{HOOK}.text", "Your legs deserve a much better night, runner")),
    ("caption shares one word with the line", set_(f"{HOOK}.on_screen_caption", "NIGHT SHIFT FOR LEGS")),
    ("beat boundary rounded", set_(f"{S30}.beats.2.start", 15.02)),
    ("proof beat in place of problem", set_(f"{S30}.beats.1.kind", "proof")),
    ("meta headline of 40", set_(f"{META}.headline", "h" * 40)),
    ("meta description may be empty", set_(f"{META}.description", "")),
    ("google headline of 30", set_(f"{GOOGLE}.headlines.0", "A" * 30)),
    ("fifteen google headlines", set_(f"{GOOGLE}.headlines", [f"Headline {chr(65 + i)}" for i in range(15)])),
    (
        "four google descriptions",
        set_(f"{GOOGLE}.descriptions", ["Cooling gel.", "Fresh legs.", "Sleep well.", "Wake up ready."]),
    ),
    ("tiktok text of 100 with punctuation", set_(f"{TIKTOK}.ad_text", "Sleep, runner! " + "z" * 85)),
    ("avoid word only inside a longer word", set_(f"{HOOK}.text", "Cheaply made pillows go flat")),
    ("competitor name only inside a longer word", set_(f"{META}.primary_text", "SleepCompany fans love it.")),
    (
        "avoid word in the brief's don't list",
        set_("draft.brief.dont", ["No miracle talk", "Never name SleepCo"]),
    ),
    ("number from an approved claim, other format", set_(f"{HOOK}.text", "2000 runners rate it 4.8")),
    ("number from the offer", set_(f"{TIKTOK}.ad_text", "Launch offer: 15% off Restwave.")),
    ("price of the product", set_(f"{META}.primary_text", "Restwave Pillow, $89.")),
    ("superlative an approved claim backs", set_(f"{HOOK}.text", "The best recovery pillow")),
    ("health word an approved claim backs", set_(f"{META}.primary_text", "Prevents neck strain overnight.")),
    ("treat yourself is an idiom", set_(f"{META}.primary_text", "Treat yourself to cooler nights.")),
    ("treating X as Y is an idiom", set_(f"{HOOK}.text", "Quit treating sore legs as given.")),
    ("numbers in production notes", set_(f"{S30}.beats.0.visual", "Shot 3 of 12, 50mm lens")),
    ("approved claims used", set_("draft.claims_used", ["c1", "c2", "c3"])),
]


@pytest.mark.parametrize("edit", [c[1] for c in PASSING], ids=[c[0] for c in PASSING])
def test_near_miss_passes(edit: Edit) -> None:
    assert _findings(edit) == []


def test_copy_only_required_for_campaign_platforms() -> None:
    edit = keep("draft.copy_variants", lambda c: c.platform != "tiktok")
    assert _findings(edit, Campaign(platforms=["meta", "google"])) == []


def test_unbacked_claim_hint_names_the_closest_approved_claim() -> None:
    (hit,) = _findings(set_(f"{HOOK}.text", "Rated 4.9 by runners like you"))
    assert hit.rule_id == "claims.number_unbacked" and hit.excerpt == "4.9"
    assert "c1" in hit.fix_hint and "Rated 4.8 out of 5" in hit.fix_hint


def test_every_occurrence_of_an_avoid_term_is_reported() -> None:
    hits = _findings(set_(f"{META}.primary_text", "Cheap? Not cheap. CHEAP!"))
    assert [(f.rule_id, f.span, f.excerpt) for f in hits] == [
        ("brand.avoid", (0, 5), "Cheap"),
        ("brand.avoid", (11, 16), "cheap"),
        ("brand.avoid", (18, 23), "CHEAP"),
    ]


def test_emoji_sequences_are_one_span() -> None:
    runner = "\U0001f3c3\u200d\u2640\ufe0f"  # woman running: base + ZWJ + sign + variation selector
    assert emoji_spans(f"Go {runner} now \U0001f1fa\U0001f1f8") == [(3, 7), (12, 14)]
    assert emoji_spans("Plain text, 100% ASCII - and é") == []
