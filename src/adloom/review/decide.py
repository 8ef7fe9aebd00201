"""Human decisions on queued concepts: approve, reject, edit (re-governed), escalate, and batches.

The CLI (`adloom review …`), the desk and the REST API all call these. Each decision is stored, lands on
the concept's status and is a ``review.decided`` audit event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, kinds
from adloom.audit.log import lock_chain
from adloom.audit.seal import seal_concept
from adloom.errors import ConfigError, Forbidden, InputError, PolicyViolation
from adloom.review.edits import apply_edits, editable_fields
from adloom.review.governing import Governors
from adloom.store import reviews as review_store
from adloom.store.accounts import Principal, has_role
from adloom.store.brands import get_version
from adloom.store.concepts import get_concept, get_run
from adloom.store.db import transaction
from adloom.store.tables import ConceptRow, VerdictRow
from adloom.types import BrandObject, Campaign, Concept, Finding, RunSummary, Verdict

__all__ = ["DecisionResult", "EditRefused", "batch", "decide", "edit"]

NEEDS_RATIONALE = ("reject", "edit")


@dataclass(frozen=True)
class DecisionResult:
    concept_id: str
    decision: str
    state: str                       # the item's state afterwards
    status: str                      # the concept's status afterwards
    verdict: Verdict | None = None   # edits: the verdict of the edited copy


class EditRefused(PolicyViolation):
    """The edited copy still has blocking findings: nothing was stored."""

    def __init__(self, message: str, findings: list[Finding]) -> None:
        PolicyViolation.__init__(self, message, field="edits")
        self.findings = findings

    def __reduce__(self) -> tuple[Any, ...]:
        return (EditRefused, (self.message, self.findings))


def _check_request(principal: Principal, item_state: str, decision: str, rationale: str) -> None:
    if decision not in review_store.DECISIONS:
        raise InputError(f"decision '{decision}' is not one of {', '.join(review_store.DECISIONS)}",
                         field="decision")
    if decision in NEEDS_RATIONALE and len(rationale.strip()) < 3:
        raise InputError(f"a {decision} needs a rationale (why, in a few words)", field="rationale")
    if item_state == "escalated" and not has_role(principal, "admin"):
        raise Forbidden("this item was escalated: an admin decides it")


def _event(concept_id: str, principal: Principal, decision: str, rationale: str, seconds: float | None,
           phrase: str | None, before: Any, after: Any, extra: dict[str, Any] | None = None) -> NewEvent:
    payload = {"decision": decision, "rationale": rationale, "seconds": seconds, "phrase": phrase,
               "reviewer": principal.name, "via": principal.kind, "before": before, "after": after, **(extra or {})}
    return NewEvent(kinds.REVIEW_DECIDED, concept_id, principal.name, payload)


def decide(factory: sessionmaker[Session], audit: AuditLog, principal: Principal, concept_id: str, decision: str,
           *, rationale: str = "", seconds: float | None = None, phrase: str | None = None) -> DecisionResult:
    """Approve, reject or escalate one queued concept."""
    if decision == "edit":
        raise InputError("an edit carries the new text: use the edit form or `edits`", field="decision")
    with transaction(factory) as session:
        lock_chain(session)          # decisions are serialised with the audit chain they append to
        item = review_store.get_item(session, concept_id, lock=True)
        _check_request(principal, item.state, decision, rationale)
        row, concept = _locked_concept(session, concept_id)
        before = editable_fields(concept.draft) if concept and concept.draft else None
        review_store.apply_decision(session, item, reviewer=principal.name, decision=decision, rationale=rationale,
                                    seconds=seconds, phrase=phrase, before=before, locked=row)
        audit.append_in(session, **_kw(_event(concept_id, principal, decision, rationale, seconds, phrase,
                                              before, None)))
        return DecisionResult(concept_id, decision, item.state, _status(session, concept_id))


def _kw(event: NewEvent) -> dict[str, Any]:
    return {"kind": event.kind, "subject": event.subject, "actor": event.actor, "payload": event.payload}


def _locked_concept(session: Session, concept_id: str) -> tuple[ConceptRow | None, Concept | None]:
    """The concept's row read FOR UPDATE (the decision changes it) and the concept it holds."""
    row = session.get(ConceptRow, concept_id, with_for_update=True)
    return row, (Concept.model_validate(row.payload) if row is not None else None)


def _status(session: Session, concept_id: str) -> str:
    row = session.get(ConceptRow, concept_id)      # in the session already: no query, no payload re-parsed
    return row.status if row else "missing"


def context_of(session: Session, concept: Concept, run_id: str | None) -> tuple[BrandObject, Campaign]:
    """The brand version the concept was written from and the campaign of the run that produced it."""
    brand = get_version(session, concept.brand_version)
    if brand is None:
        raise ConfigError(f"brand version {concept.brand_version} is not in the store")
    campaign = None
    if run_id:
        campaign = RunSummary.model_validate(get_run(session, run_id).summary).campaign
    return brand, campaign or Campaign(vertical=brand.vertical)


def edit(factory: sessionmaker[Session], audit: AuditLog, governors: Governors, principal: Principal,
         concept_id: str, edits: Mapping[str, str], *, rationale: str, seconds: float | None = None) -> DecisionResult:
    """Change the copy, re-govern it with the run's Governor, and keep it only if nothing blocks.

    Clean -> approved with the new text. Review-level findings -> stored, still in the queue for a look at
    the new findings. Blocking findings -> ``EditRefused``, nothing stored.
    """
    with factory() as session:
        item = review_store.get_item(session, concept_id)
        _check_request(principal, item.state, "edit", rationale)
        concept = get_concept(session, concept_id)
        if concept is None or concept.draft is None:
            raise InputError(f"concept '{concept_id}' has no draft to edit")
        brand, campaign = context_of(session, concept, item.run_id)
    draft, changed = apply_edits(concept.draft, edits)
    if not changed:
        raise InputError("the edit changes no text", field="edits")
    edited = concept.model_copy(update={"draft": draft, "attempt": concept.attempt + 1})
    verdict = governors.verdict(edited, brand, campaign)
    if verdict.route in ("reject", "regenerate"):
        blocking = [f for f in verdict.findings if f.severity == "block"]
        reasons = "; ".join(f"{f.rule_id}: {f.excerpt or f.message}" for f in blocking[:3]) or "policy denied"
        raise EditRefused(f"the edited copy does not pass governance ({reasons})", verdict.findings)
    edited = edited.model_copy(update={"status": "approved" if verdict.route == "approve" else "review"})
    after = {path: text for path, text in editable_fields(draft).items() if path in changed}
    with transaction(factory) as session:
        lock_chain(session)
        item = review_store.get_item(session, concept_id, lock=True)
        _check_request(principal, item.state, "edit", rationale)
        session.add(VerdictRow(concept_id=concept_id, attempt=verdict.attempt, route=verdict.route,
                               created_at=verdict.created_at or datetime.now(UTC),
                               payload=verdict.model_dump(mode="json")))
        item.risk = float(verdict.scores.get("risk", item.risk))
        review_store.apply_decision(session, item, reviewer=principal.name, decision="edit", rationale=rationale,
                                    seconds=seconds, concept=edited, before=changed, after=after)
        seal_concept(session, concept_id, edited.model_dump(mode="json"))     # the edited text is now the sealed one
        audit.append_many_in(session, [
            NewEvent(kinds.VERDICT_RECORDED, concept_id, "governance", {
                "attempt": verdict.attempt, "route": verdict.route, "checks": verdict.checks, "edited_by":
                principal.name, "scores": verdict.scores, "findings": [f.model_dump(mode="json")
                                                                      for f in verdict.findings]}),
            _event(concept_id, principal, "edit", rationale, seconds, None, changed, after,
                   {"route": verdict.route})])
        return DecisionResult(concept_id, "edit", item.state, edited.status, verdict)


def batch(factory: sessionmaker[Session], audit: AuditLog, principal: Principal, concept_ids: Sequence[str],
          decision: str, *, rationale: str = "", seconds: float | None = None,
          phrase: str | None = None) -> list[DecisionResult]:
    """One decision for several items at once (near-identical ones), all or nothing."""
    if decision not in ("approve", "reject"):
        raise InputError("a batch approves or rejects", field="decision")
    ids = list(dict.fromkeys(concept_ids))
    if not ids:
        raise InputError("choose at least one item", field="ids")
    share = seconds / len(ids) if seconds is not None else None
    out = []
    with transaction(factory) as session:
        lock_chain(session)
        events = []
        for cid in ids:
            item = review_store.get_item(session, cid, lock=True)
            _check_request(principal, item.state, decision, rationale)
            row, concept = _locked_concept(session, cid)
            before = editable_fields(concept.draft) if concept and concept.draft else None
            review_store.apply_decision(session, item, reviewer=principal.name, decision=decision,
                                        rationale=rationale, seconds=share, phrase=phrase, before=before, locked=row)
            events.append(_event(cid, principal, decision, rationale, share, phrase, before, None,
                                 {"batch": len(ids)}))
            out.append(DecisionResult(cid, decision, item.state, "approved" if decision == "approve" else "rejected"))
        audit.append_many_in(session, events)
    return out
