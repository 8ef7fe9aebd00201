"""Scope and severity by context, and the lexical check over a concept's visible text."""

from __future__ import annotations

from adloom.governance.packs import lexical_check, load_packs
from tests.governance import factories


def _hits(text: str, **context: str | None) -> list[tuple[str, str]]:
    return [(h.rule_id, h.severity) for h in load_packs().scan(text, **context)]


def test_hit_names_rule_pack_span_category_and_fix() -> None:
    [hit] = load_packs().scan("Our tea cures diabetes fast")
    assert (hit.rule_id, hit.pack, hit.severity, hit.category) == ("health.cure", "general@2026.12.2", "block",
                                                                   "health")
    assert (hit.start, hit.end, hit.text) == (8, 22, "cures diabetes")
    assert hit.fix_hint


def test_platform_scope_and_override() -> None:
    assert _hits("Doctors hate this", platform="meta") == [("clickbait", "review")]
    assert _hits("Doctors hate this", platform="google") == [("clickbait", "block")]
    assert _hits("Women over 50 love it", platform="meta") == [("meta.age_attribute", "review")]
    assert _hits("Women over 50 love it", platform="tiktok") == []


def test_region_scope_with_groups_and_aliases() -> None:
    assert _hits("Made in USA", country="us") == [("made_in_usa", "review")]
    assert _hits("Made in USA", country="DE") == []


def test_vertical_override() -> None:
    assert _hits("before and after", vertical="sleep") == [("weightloss.before_after", "review")]
    assert _hits("before and after", vertical="weight_loss") == [("weightloss.before_after", "block")]


def test_unknown_platform_keeps_base_severity_platform_overrides_need_the_platform() -> None:
    # a platform's stricter severity applies only when that platform is named (issue 12, context-correct routing)
    assert _hits("Doctors hate this") == [("clickbait", "review")]
    assert ("meta.age_attribute", "review") in _hits("Women over 50")


def test_several_platforms_take_the_strictest_severity() -> None:
    packs = load_packs()
    [hit] = packs.scan_context("Vote for us", platforms=["meta", "tiktok"], countries=["US"])
    assert hit.severity == "block"


def test_lexical_check_scans_visible_fields_in_campaign_context() -> None:
    concept, brand, campaign = factories.concept(), factories.brand(), factories.campaign()
    check = lexical_check(load_packs(brand=brand))
    assert check(concept, brand, campaign) == []             # the factory concept passes every check
    draft = concept.draft
    assert draft is not None
    draft.hooks[0].text = "Doctors hate this pillow"
    draft.hooks[0].first_visual = "a miracle shot"            # production note: not visible, not scanned
    meta = next(c for c in draft.copy_variants if c.platform == "meta")
    meta.headline = "Unlike SleepCo"
    findings = check(concept, brand, campaign)
    assert [(f.rule_id, f.field, f.severity, f.span) for f in findings] == [
        ("clickbait", f"hooks[{draft.hooks[0].id}].text", "block", (0, 12)),   # google is in the campaign
        ("named_competitor", f"copy.meta[{meta.hook_id}].headline", "review", (0, 14)),  # comparative + a name
        ("brand.competitor", f"copy.meta[{meta.hook_id}].headline", "block", (7, 14)),
    ]
    assert findings[0].pack == "general@2026.12.2" and findings[0].fix_hint
    meta_only = campaign.model_copy(update={"platforms": ["meta"]})
    assert check(concept, brand, meta_only)[0].severity == "review"
