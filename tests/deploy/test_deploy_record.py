"""Deploy audit payloads keep platform identifiers intact: the redaction that guards personal data must not
mistake a Google customer id for a phone number or a Meta id for a card number, yet still removes emails."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, kinds
from adloom.audit.redact import _luhn_ok
from adloom.deploy.base import PublishedObject
from adloom.deploy.record import DeployRecorder
from adloom.store.tables import AuditEventRow
from tests.deploy.standin_plans import google_plan

META_ID = "120210000000000000"          # 18 digits of Graph-id shape


def test_ids_survive_redaction_and_emails_do_not(store: sessionmaker[Session]) -> None:
    meta_id = next(str(int(META_ID) + n) for n in range(10) if _luhn_ok(str(int(META_ID) + n)))
    plan = google_plan(groups=1, account="123-456-7890")
    recorder = DeployRecorder(store, AuditLog(store), plan, actor="buyer@example.com", account="123-456-7890")
    ad_group = plan.campaign.ad_groups[0]
    recorder.on_object(PublishedObject(level="ad", name="reach me at ops@restwave.example", platform_id=meta_id,
                                       concept_id=ad_group.concept_id, parent_id="987-654-3210"))
    with store() as session:
        payloads = [json.loads(p) if isinstance(p, str) else p for p in
                    session.scalars(select(AuditEventRow.payload).where(AuditEventRow.kind == kinds.DEPLOY_OBJECT))]
    assert len(payloads) == 1
    payload = payloads[0]
    assert payload["account"] == "123-456-7890"
    assert payload["platform_id"] == meta_id
    assert payload["parent_id"] == "987-654-3210"
    assert payload["name"] == "reach me at [email]"
