"""Second opinion: another model (ideally another provider) reviews each approved concept.

Optional per campaign. The reviewer checks claims and compliance; when it disagrees, or cannot give an
opinion at all, the concept goes to the human review desk with the reviewer's reasons as a finding.
It never approves anything governance did not: it can only move ``approved`` to ``review``.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, Field

from adloom.errors import WriterError
from adloom.types import BrandObject, Campaign, Concept, ConceptDraft, Finding, Model
from adloom.writers.base import Task, Writer

__all__ = ["RULE_ID", "SecondOpinion", "VerifyTask", "apply_second_opinion", "second_opinion"]

RULE_ID = "verify.second_opinion"


class SecondOpinion(Model):
    agree: bool
    issues: list[str] = Field(default_factory=list)
    unsupported_claims: list[str] = Field(default_factory=list)


class VerifyTask(Task[SecondOpinion]):
    output_type: ClassVar[type[BaseModel]] = SecondOpinion
    template: ClassVar[str] = "verify@1"

    concept_id: str
    brand: BrandObject
    campaign: Campaign
    draft: ConceptDraft


async def second_opinion(concept: Concept, *, brand: BrandObject, campaign: Campaign,
                         writer: Writer) -> Finding | None:
    """None when the reviewer agrees (or the concept is not approved); otherwise a review finding."""
    if concept.status != "approved" or concept.draft is None:
        return None
    task = VerifyTask(concept_id=concept.id, brand=brand, campaign=campaign, draft=concept.draft)
    try:
        opinion = await writer.run(task)
    except WriterError as exc:
        return Finding(rule_id=RULE_ID, pack="verify@1", severity="review",
                       message=f"second opinion unavailable ({writer.id}): {exc}",
                       fix_hint="a person should check the claims, since the reviewer model could not")
    if opinion.agree and not opinion.unsupported_claims:
        return None
    reasons = opinion.issues + [f"unsupported claim: {c}" for c in opinion.unsupported_claims]
    return Finding(rule_id=RULE_ID, pack="verify@1", severity="review",
                   message=f"{writer.id} disagrees: " + ("; ".join(reasons) or "no reason given"),
                   excerpt=opinion.unsupported_claims[0] if opinion.unsupported_claims else "",
                   fix_hint="check each point against the approved claims before approving")


def apply_second_opinion(concept: Concept, finding: Finding | None) -> Concept:
    """Route a disagreed-with concept to human review; anything else is returned unchanged."""
    if finding is None or concept.status != "approved":
        return concept
    return concept.model_copy(update={"status": "review"})
