"""Running a publisher over a plan: the approval guard, the audit record, the platform's answer.

The plan is built from approved concepts only (``deploy.plan``); right before anything is sent the store is
asked again, so a concept rejected at the desk after the plan was printed cannot slip out.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog
from adloom.deploy.base import DeployPlan, Publisher, PublishResult
from adloom.deploy.credentials import scrub
from adloom.deploy.record import DeployRecorder
from adloom.errors import AdloomError, Forbidden
from adloom.store.tables import ConceptRow

__all__ = ["check_approved", "deploy"]


def check_approved(session: Session, plan: DeployPlan) -> None:
    """Every concept the plan carries is approved in the store now; otherwise nothing is sent."""
    ids = sorted({ad.concept_id for _, ad in plan.ads()})
    status = dict(session.execute(select(ConceptRow.id, ConceptRow.status).where(ConceptRow.id.in_(ids))).all())
    refused = [f"{cid[:12]} ({status.get(cid, 'not stored')})" for cid in ids if status.get(cid) != "approved"]
    if refused:
        raise Forbidden(f"only approved concepts deploy; refused: {', '.join(refused)}", field="RUN")


async def deploy(plan: DeployPlan, publisher: Publisher, *, factory: sessionmaker[Session], audit: AuditLog,
                 actor: str) -> PublishResult:
    """Publish ``plan`` through ``publisher``, recording every object as it lands; closes the publisher."""
    try:
        with factory() as session:
            check_approved(session, plan)
        recorder = DeployRecorder(factory, audit, plan, actor=actor, account=plan.account_id)
        recorder.started()
        try:
            result = await publisher.publish(plan, on_object=recorder.on_object, on_rejected=recorder.on_rejected)
        except AdloomError as exc:
            recorder.finished(None, error=scrub(str(exc), publisher.credentials.values()))
            raise
        recorder.finished(result)
        return result
    finally:
        await publisher.aclose()
