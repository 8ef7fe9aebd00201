"""The semantic layer: what words alone cannot catch (withheld information, politics, attributes, body image,
financial promises, claims without trigger words), as calibrated per-category probabilities.

    static.py   static token vectors distilled from MiniLM: the cheap screen
    model.py    screen + calibrated head, thresholds as data, pinned files
    pins.py     SHA-256 pins (written by tools/semantic/train.py)

It never blocks: a score at or over its category's threshold is a ``review`` finding naming the category,
the probability and the sentence. A missing or corrupt file is a ``ModelFileError`` naming it; callers that
can go on without the layer (``adloom check``, ``adloom policy eval``) warn and keep the lexical layer.
"""

from __future__ import annotations

from typing import Any, Protocol

from adloom.errors import ModelFileError
from adloom.governance.semantic.model import SemanticLayer, SemanticScore, load_semantic, sentence_spans
from adloom.types import Finding

__all__ = ["FIX_HINTS", "SemanticLayer", "SemanticScore", "load_semantic", "load_semantic_or_warn",
           "score_finding", "sentence_spans"]

FIX_HINTS: dict[str, str] = {
    "clickbait": "Say plainly what the viewer gets; do not withhold the point to earn the click.",
    "political": "Political content needs an authorised advertiser and a 'Paid for by' line (none on TikTok).",
    "personal_attributes": "Speak about the product, not about what the viewer is or has.",
    "body_image": "Describe what the product does; do not shame bodies or promise an ideal one.",
    "financial_promise": "Do not promise income, returns or quick money.",
    "health.cure": "Do not claim to cure, treat or prevent a condition.",
    "health.clinical": "Keep a clinical or expert claim only with an approved claim behind it.",
}


class _Printer(Protocol):
    def print(self, *objects: Any, **kwargs: Any) -> None: ...


def score_finding(score: SemanticScore, field: str) -> Finding:
    return Finding(rule_id=f"semantic.{score.label}", pack="semantic", severity="review",
                   message=f"semantic classifier: {score.label}, probability {score.probability:.2f} "
                           f"(threshold {score.threshold:.2f})",
                   field=field, span=score.span, excerpt=score.sentence,
                   fix_hint=FIX_HINTS.get(score.label, "A person should check this sentence against the policy."))


def load_semantic_or_warn(console: _Printer) -> SemanticLayer | None:
    """The packaged layer, or None with one warning line: the lexical layer keeps working without it."""
    try:
        return load_semantic()
    except ModelFileError as exc:
        console.print(f"[bold yellow]warning:[/] {exc}; the semantic layer is off, lexical rules still apply",
                      highlight=False, soft_wrap=True)
        return None
