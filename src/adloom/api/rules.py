"""Rule candidates from repeated rejections: proposed on the desk, accepted by an admin."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from adloom.api.deps import Admin, Reviewer, SessionDep
from adloom.api.desk import render
from adloom.api.security import config_of
from adloom.audit import NewEvent, kinds
from adloom.review import candidates
from adloom.store.db import transaction
from adloom.store.tables import RuleCandidateRow

router = APIRouter(tags=["rules"])


def _refresh(request: Request) -> list[RuleCandidateRow]:
    with transaction(config_of(request).factory) as session:
        before = {r.id for r in session.scalars(select(RuleCandidateRow))}
        rows = candidates.propose(session)
        new = [r for r in rows if r.id not in before]
        if new:
            request.app.state.audit.append_many_in(session, [
                _event(kinds.RULE_PROPOSED, r.id, "desk", {"phrase": r.phrase, "rejections": r.rejections})
                for r in new])
        return list(session.scalars(select(RuleCandidateRow).order_by(RuleCandidateRow.rejections.desc())))


def _event(kind: str, subject: str, actor: str, payload: dict[str, Any]) -> NewEvent:
    return NewEvent(kind, subject, actor, payload)


def _accept(request: Request, who: Any, candidate_id: str) -> dict[str, Any]:
    config = config_of(request)
    with transaction(config.factory) as session:
        done = candidates.accept(session, candidate_id, config.project_dir, by=who.name)
        request.app.state.audit.append_in(session, kinds.RULE_ACCEPTED, candidate_id, who.name, done)
    request.app.state.governors.forget()        # edits are judged with the new pack from now on
    return done


@router.get("/desk/rules")
def rules_page(request: Request, who: Admin) -> Response:
    return render(request, who, "rules.html", {"rows": _refresh(request)})


@router.post("/desk/rules/{candidate_id}/accept")
def accept_page(request: Request, who: Admin, candidate_id: str) -> Response:
    _accept(request, who, candidate_id)
    return RedirectResponse("/desk/rules", status_code=303)


@router.get("/api/rules/candidates")
def list_candidates(request: Request, who: Reviewer, session: SessionDep) -> list[dict[str, Any]]:
    """Proposed, accepted and dismissed candidates (proposals are refreshed from the decisions first)."""
    return [{"id": r.id, "phrase": r.phrase, "state": r.state, "rejections": r.rejections,
             "decided_by": r.decided_by, **r.payload} for r in _refresh(request)]


@router.post("/api/rules/candidates/{candidate_id}/accept")
def accept_candidate(request: Request, who: Admin, candidate_id: str) -> dict[str, Any]:
    """Write the new pack version, only if every policy test passes with the new rule and its cases."""
    return _accept(request, who, candidate_id)
