"""The core rule pack's table: every rule id the v1 checks can emit, with its severity.

Severity is configuration, not code: checks only say *what* they found; this table says how much it
matters, and ``gate.route`` alone turns severities into an outcome. A later rule-pack loader can
override entries by rule id.
"""

from __future__ import annotations

from adloom.types import Finding, Severity

__all__ = ["PACK", "SEVERITY", "finding"]

PACK = "core@1"

SEVERITY: dict[str, Severity] = {
    # structure
    "structure.draft_missing": "block",
    "structure.draft_empty": "block",
    "structure.hooks_missing": "block",
    "structure.hooks_count": "warn",
    "structure.hook_id_duplicate": "block",
    "structure.hook_ref_unknown": "block",
    "structure.hook_too_long": "block",
    "structure.hook_part_empty": "block",
    "structure.hook_parts_repeat": "block",
    "structure.script_missing": "block",
    "structure.script_missing_hook": "block",
    "structure.script_missing_body": "block",
    "structure.script_missing_cta": "block",
    "structure.beats_not_contiguous": "block",
    "structure.copy_missing": "block",
    # platform limits
    "limits.field_empty": "block",
    "limits.over_hard": "block",
    "limits.over_recommended": "warn",
    "limits.cta_invalid": "block",
    "limits.google_headline_count": "block",
    "limits.google_headline_duplicate": "block",
    "limits.google_description_count": "block",
    "limits.tiktok_forbidden_char": "block",
    # brand lexicon
    "brand.avoid": "block",
    "brand.competitor": "block",
    # claim substantiation
    "claims.number_unbacked": "block",
    "claims.superlative_unbacked": "block",
    "claims.health_unbacked": "block",
    "claims.reference_unapproved": "block",
}


def finding(rule_id: str, message: str, *, field: str, span: tuple[int, int] | None = None,
            excerpt: str = "", fix_hint: str = "") -> Finding:
    """A finding of the core pack; its severity comes from the table (KeyError for an unknown rule)."""
    return Finding(rule_id=rule_id, pack=PACK, severity=SEVERITY[rule_id], message=message, field=field,
                   span=span, excerpt=excerpt, fix_hint=fix_hint)
