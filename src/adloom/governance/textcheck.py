"""Checking copy that already exists: one text in its context -> findings and a route.

This is the one place ``adloom check`` and the policy tests turn text into a verdict, so swapping in the full
governor (contextual policies, substantiation, risk) changes one call here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field

from adloom import platforms
from adloom.errors import ConfigError, InputError
from adloom.governance.gate import route
from adloom.governance.limits import emoji_spans
from adloom.governance.packs import PackSet, hit_finding
from adloom.governance.rego import campaign_context, default_bundle
from adloom.governance.rules import finding
from adloom.governance.semantic import SemanticLayer, SemanticScore, score_finding
from adloom.platforms import PLATFORMS, Platform
from adloom.types import BrandObject, Campaign, Finding, Route

__all__ = ["DEFAULT_FIELD", "MAX_TEXT_CHARS", "TextCheck", "check_text"]

MAX_TEXT_CHARS = 20_000        # ~10x the longest field any platform accepts; beyond it is not ad copy
DEFAULT_FIELD: dict[str, str] = {"meta": "primary_text", "google": "description", "tiktok": "ad_text"}


@dataclass(frozen=True)
class TextCheck:
    text: str                       # the text checked (after any cap)
    findings: list[Finding]
    route: Route
    pack_version: str
    field: str = "text"
    truncated_from: int | None = None       # original length when the text was capped
    notes: list[str] = dc_field(default_factory=list)
    semantic: list[SemanticScore] = dc_field(default_factory=list)    # every category at or over its band


def _limits(text: str, platform: Platform, limit_field: str, path: str) -> list[Finding]:
    out: list[Finding] = []
    hard, soft = platforms.limit(platform, limit_field), platforms.recommended(platform, limit_field)
    if len(text) > hard:
        out.append(finding("limits.over_hard", f"{platform} {limit_field} is {len(text)} chars; the platform "
                           f"rejects more than {hard}", field=path, span=(hard, len(text)), excerpt=text[hard:],
                           fix_hint=f"Shorten to {hard} characters or fewer."))
    elif len(text) > soft:
        out.append(finding("limits.over_recommended", f"{platform} {limit_field} is {len(text)} chars; over "
                           f"{soft} it is cut off on screen", field=path, span=(soft, len(text)),
                           excerpt=text[soft:], fix_hint=f"Put the point in the first {soft} characters."))
    if platform == "tiktok":
        bad = [(i, i + 1) for i, ch in enumerate(text) if ch in platforms.TIKTOK_FORBIDDEN_CHARS]
        for start, end in sorted(bad + emoji_spans(text)):
            out.append(finding("limits.tiktok_forbidden_char", "TikTok ad text may not contain emoji, '#', '{' "
                               "or '}'", field=path, span=(start, end), excerpt=text[start:end],
                               fix_hint="Remove the character; put hashtags in the caption, not the ad text."))
    return out


def _validated(text: str) -> str:
    if not text.strip():
        raise InputError("the text to check is empty")
    if any("\ud800" <= ch <= "\udfff" for ch in text):
        raise InputError("the text is not valid UTF-8 (undecodable bytes)")
    return text


def check_text(text: str, *, platform: str | None = None, country: str | None = None, age_min: int | None = None,
               vertical: str | None = None, packs: PackSet, limit_field: str | None = None,
               policies: bool = True, semantic: SemanticLayer | None = None,
               semantic_scores: Sequence[SemanticScore] | None = None) -> TextCheck:
    """Lexical findings of ``packs``, the platform's field limits and the contextual Rego policies for the
    given platform, country, audience age and vertical; routed by ``gate.route``, except that a policy
    denial (targeting, not wording) rejects outright.

    With a semantic layer, each category it scores at or over its threshold adds a ``review`` finding (it never
    blocks); ``semantic_scores`` passes scores computed beforehand for a batch (``SemanticLayer.score_many``).

    Text over ``MAX_TEXT_CHARS`` is cut there and the cut is reported, never silently dropped.
    """
    text = _validated(text)
    notes: list[str] = []
    original = len(text)
    if original > MAX_TEXT_CHARS:
        text = text[:MAX_TEXT_CHARS]
        notes.append(f"checked the first {MAX_TEXT_CHARS:,} of {original:,} characters")
    findings: list[Finding] = []
    path = "text"
    if platform is not None:
        if platform not in PLATFORMS:
            raise ConfigError(f"unknown platform {platform!r}; expected one of {', '.join(PLATFORMS)}")
        limit_field = limit_field or DEFAULT_FIELD[platform]
        if (platform, limit_field) not in platforms.FIELD_LIMITS:
            raise ConfigError(f"{platform} has no field {limit_field!r}")
        path = f"{platform}.{limit_field}"
        findings += _limits(text, platform, limit_field, path)
    findings += [hit_finding(h, path)
                 for h in packs.scan(text, platform=platform, country=country, vertical=vertical)]
    # pack cases test the packs alone (``policies=False``); the Rego bundle has its own cases
    policy = (_policy_findings(text, platform=platform, country=country, age_min=age_min, vertical=vertical)
              if policies else [])
    findings += policy
    scores = list(semantic_scores) if semantic_scores is not None else (
        semantic.score_many([text])[0] if semantic is not None else [])
    findings += [score_finding(s, path) for s in scores if s.raises]
    findings.sort(key=lambda f: f.span or (0, 0))
    denied = any(f.field == "policy.deny" for f in policy)
    return TextCheck(text=text, findings=findings,
                     route="reject" if denied else route(findings, attempt=1, max_attempts=1),
                     pack_version=packs.version, field=path,
                     truncated_from=original if original > MAX_TEXT_CHARS else None, notes=notes, semantic=scores)


def _policy_findings(text: str, *, platform: str | None, country: str | None, age_min: int | None,
                     vertical: str | None) -> list[Finding]:
    """The Rego bundle on a bare text: the campaign context comes from the command's options."""
    bundle = default_bundle()
    campaign = Campaign(platforms=[p for p in PLATFORMS if p == platform] or list(PLATFORMS),
                        countries=[country.upper()] if country else ["US"], age_min=age_min or 18,
                        vertical=vertical)
    brand = BrandObject(name="(checked text)", slug="text", vertical=vertical or "general")
    categories = bundle.categories([text], vertical or "general")
    doc = {"concept": {"id": "text", "angle": "", "segment_id": "", "texts": [{"field": "text", "text": text}]},
           "campaign": campaign_context(brand, campaign), "categories": categories, "claims": []}
    return bundle.findings(bundle.evaluate(doc))
