"""What a deploy leaves behind: one audit event per platform object, and a platform's policy rejection stored
as a governance finding.

An object is recorded the moment the publisher reports it, in its own transaction, so a deploy killed halfway
still leaves a true record of what exists. An object found by name that the log does not know yet (created by
a deploy killed between the platform's answer and the record, or by hand) is recorded too, marked found.

A rejection by the platform's ad review becomes a verdict with one ``platform.<name>.policy_rejected`` finding
(severity block, the platform's reason as the message) on the concept's latest attempt: ``adloom concepts
recheck`` then shows the concept as routed ``reject`` before today's rules and names whether today's rules catch
it, and a later deploy to that platform leaves the concept out instead of submitting it again.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select, text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, NewEvent, kinds
from adloom.audit.redact import EMAIL, IBAN
from adloom.deploy.base import DeployPlan, PublishedObject, PublishResult, Rejection
from adloom.store.db import transaction
from adloom.store.tables import ConceptRow, VerdictRow
from adloom.types import Finding, Verdict

__all__ = ["DeployRecorder", "rejected_concepts", "rejection_rule"]


def rejection_rule(platform: str) -> str:
    return f"platform.{platform}.policy_rejected"


def _payload(raw: Any) -> dict[str, Any]:
    if isinstance(raw, str | bytes):
        raw = json.loads(raw)
    return raw if isinstance(raw, dict) else {}


def rejected_concepts(session: Session, platform: str, concept_ids: list[str]) -> set[str]:
    """Concepts whose stored verdicts carry this platform's policy rejection."""
    rule = rejection_rule(platform)
    out: set[str] = set()
    for cid, payload in session.execute(select(VerdictRow.concept_id, VerdictRow.payload)
                                        .where(VerdictRow.concept_id.in_(concept_ids))):
        if any(f.get("rule_id") == rule for f in _payload(payload).get("findings", [])):
            out.add(cid)
    return out


class DeployRecorder:
    """Audit events (and rejection findings) for one publish of ``plan``; ``actor`` is who deployed."""

    def __init__(self, factory: sessionmaker[Session], audit: AuditLog, plan: DeployPlan, *, actor: str,
                 account: str) -> None:
        self.factory = factory
        # A deploy payload carries names, accounts and platform ids, no personal data; yet Meta's 15-17 digit ids
        # can pass the card redaction's Luhn check and a Google customer id (123-456-7890) has a phone's shape.
        # Emails and the user's own patterns are still redacted; cards and phones are not looked for.
        self.audit = (AuditLog(factory, redact=replace(audit.redact, cards=False, patterns=(EMAIL, IBAN)))
                      if audit.redact else audit)
        self.plan = plan
        self.actor = actor
        self.account = account
        self.known = self._recorded()
        self.recorded: list[PublishedObject] = []

    def _base(self) -> dict[str, Any]:
        return {"platform": self.plan.platform, "account": self.account, "run": self.plan.run_id}

    def _recorded(self) -> set[tuple[str, str]]:
        """(level, platform id) of every object the log already holds for this platform and account."""
        subjects = [self.plan.run_id, *(g.concept_id for g in self.plan.campaign.ad_groups)]
        known: set[tuple[str, str]] = set()
        with self.factory() as session:
            for chunk in range(0, len(subjects), 500):
                query = text("SELECT subject, payload FROM audit_events WHERE kind = :k AND subject IN :s")
                rows = session.execute(query.bindparams(bindparam("s", expanding=True)),
                                       {"k": kinds.DEPLOY_OBJECT, "s": subjects[chunk:chunk + 500]})
                for _subject, raw in rows:
                    p = _payload(raw)
                    if p.get("platform") == self.plan.platform and p.get("account") == self.account:
                        known.add((str(p.get("level")), str(p.get("platform_id"))))
        return known

    def started(self) -> None:
        self.audit.append(kinds.DEPLOY_STARTED, self.plan.run_id, self.actor, {
            **self._base(), "campaign": self.plan.campaign.name,
            "ads": [{"ad_name": ad.name, "concept_id": ad.concept_id} for _, ad in self.plan.ads()]})

    def on_object(self, obj: PublishedObject) -> None:
        key = (obj.level, obj.platform_id)
        if key in self.known:
            return
        self.known.add(key)
        self.recorded.append(obj)
        self.audit.append(kinds.DEPLOY_OBJECT, obj.concept_id or self.plan.run_id, self.actor, {
            **self._base(), "level": obj.level, "name": obj.name, "platform_id": obj.platform_id,
            "parent_id": obj.parent_id, "concept_id": obj.concept_id, "created": obj.created})

    def on_rejected(self, rejection: Rejection) -> None:
        finding = Finding(rule_id=rejection_rule(self.plan.platform), pack=f"{self.plan.platform}-review",
                          severity="block", message=rejection.reason, field=rejection.ad_name,
                          fix_hint=f"{self.plan.platform} refused this ad ({rejection.code or 'policy'}); "
                                   "edit the copy at the review desk or add a rule that catches it")
        with transaction(self.factory) as session:
            row = session.get(ConceptRow, rejection.concept_id)
            attempt = row.attempts if row is not None else 1
            now = datetime.now(UTC)
            verdict = Verdict(concept_id=rejection.concept_id, attempt=attempt, route="reject",
                              findings=[finding], checks={"platform_review": self.plan.platform}, created_at=now)
            session.add(VerdictRow(concept_id=rejection.concept_id, attempt=attempt, route="reject", created_at=now,
                                   payload=verdict.model_dump(mode="json")))
            self.audit.append_many_in(session, [
                NewEvent(kinds.VERDICT_RECORDED, rejection.concept_id, self.plan.platform, {
                    "attempt": attempt, "route": "reject", "checks": verdict.checks, "scores": {},
                    "findings": [finding.model_dump(mode="json")]}),
                NewEvent(kinds.DEPLOY_REJECTED, rejection.concept_id, self.actor, {
                    **self._base(), "ad_name": rejection.ad_name, "reason": rejection.reason,
                    "code": rejection.code})])

    def finished(self, result: PublishResult | None, error: str | None = None) -> None:
        payload: dict[str, Any] = {**self._base(), "campaign": self.plan.campaign.name, "error": error}
        if result is not None:
            payload |= {"created": len(result.created), "found": len(result.objects) - len(result.created),
                        "rejected": [r.ad_name for r in result.rejected]}
        self.audit.append(kinds.DEPLOY_FINISHED, self.plan.run_id, self.actor, payload)
