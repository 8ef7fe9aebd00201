"""REST: the review queue, one item's context, decisions (one, edits, batches) and the decision log."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from adloom.api.deps import Reviewer, SessionDep
from adloom.api.desk import filters_from, queue_page, sync
from adloom.api.security import config_of
from adloom.review import decide as deciding
from adloom.review.context import item_context
from adloom.store import reviews as review_store
from adloom.store.tables import ReviewDecisionRow, ReviewItemRow

router = APIRouter(prefix="/api/review", tags=["review"])


class ItemOut(BaseModel):
    concept_id: str
    brand: str
    run_id: str | None
    angle: str
    segment: str
    platforms: list[str]
    risk: float
    state: str
    group: str
    queued_at: str
    decided_by: str | None


def item_out(row: ReviewItemRow) -> ItemOut:
    return ItemOut(concept_id=row.concept_id, brand=row.brand_slug, run_id=row.run_id, angle=row.angle_id,
                   segment=row.segment_id, platforms=[p for p in row.platforms.split(",") if p], risk=row.risk,
                   state=row.state, group=row.group_key, queued_at=row.queued_at.isoformat(),
                   decided_by=row.decided_by)


class ItemPage(BaseModel):
    items: list[ItemOut]
    total: int
    next_cursor: str | None


class DecisionIn(BaseModel):
    decision: Literal["approve", "reject", "edit", "escalate"]
    rationale: str = Field("", max_length=4000)
    seconds: float | None = Field(None, ge=0, le=86_400)
    phrase: str | None = Field(None, max_length=200)
    edits: dict[str, str] = Field(default_factory=dict, description="field path -> new text (edit only)")


class DecisionOut(BaseModel):
    concept_id: str
    decision: str
    state: str
    status: str
    route: str | None = None        # edits: the route of the re-governed copy


class BatchIn(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=500)
    decision: Literal["approve", "reject"]
    rationale: str = Field("", max_length=4000)
    seconds: float | None = Field(None, ge=0)
    phrase: str | None = Field(None, max_length=200)


class DecisionRecord(BaseModel):
    id: int
    concept_id: str
    reviewer: str
    decision: str
    rationale: str
    phrase: str | None
    seconds: float | None
    created_at: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def record_out(row: ReviewDecisionRow) -> DecisionRecord:
    return DecisionRecord(id=row.id, concept_id=row.concept_id, reviewer=row.reviewer, decision=row.decision,
                          rationale=row.rationale, phrase=row.phrase, seconds=row.seconds,
                          created_at=row.created_at.isoformat(), before=row.before, after=row.after)


@router.get("/items", response_model=ItemPage)
def list_items(request: Request, who: Reviewer, session: SessionDep, brand: str | None = None, run: str | None = None,
               state: str | None = None, platform: str | None = None, angle: str | None = None,
               cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> ItemPage:
    """The queue, highest risk first; ``state`` = pending (default) | escalated | approved | rejected | all."""
    sync(request)
    page = queue_page(request, session, filters_from({"brand": brand, "run": run, "state": state,
                                                      "platform": platform, "angle": angle}),
                      limit=limit, cursor=cursor)
    return ItemPage(items=[item_out(r) for r in page.items], total=page.total, next_cursor=page.next_cursor)


@router.get("/items/{concept_id}")
def show_item(who: Reviewer, session: SessionDep, concept_id: str) -> dict[str, Any]:
    """One item with its context: concept, latest verdict, decisions so far."""
    ctx = item_context(session, concept_id)
    return {"item": item_out(ctx.item).model_dump(), "concept": ctx.concept.model_dump(mode="json"),
            "verdict": ctx.verdict.model_dump(mode="json") if ctx.verdict else None,
            "brand_version": ctx.concept.brand_version, "provenance": ctx.provenance,
            "claims_used": ctx.claims_used, "similar_open": ctx.similar,
            "decisions": [record_out(d).model_dump() for d in ctx.decisions]}


@router.post("/items/{concept_id}/decision", response_model=DecisionOut)
async def decide(request: Request, who: Reviewer, concept_id: str, body: DecisionIn) -> DecisionOut:
    """Approve, reject (rationale required), escalate, or edit (``edits``; re-governed, rationale required)."""
    state = request.app.state
    factory = config_of(request).factory
    if body.decision == "edit":
        result = await run_in_threadpool(deciding.edit, factory, state.audit, state.governors, who, concept_id,
                                         body.edits, rationale=body.rationale, seconds=body.seconds)
    else:
        result = await run_in_threadpool(deciding.decide, factory, state.audit, who, concept_id, body.decision,
                                         rationale=body.rationale, seconds=body.seconds, phrase=body.phrase)
    return DecisionOut(concept_id=result.concept_id, decision=result.decision, state=result.state,
                       status=result.status, route=result.verdict.route if result.verdict else None)


@router.post("/batch", response_model=list[DecisionOut])
async def batch(request: Request, who: Reviewer, body: BatchIn) -> list[DecisionOut]:
    """One decision for several items, all or nothing."""
    state = request.app.state
    results = await run_in_threadpool(deciding.batch, config_of(request).factory, state.audit, who, body.ids,
                                      body.decision, rationale=body.rationale, seconds=body.seconds,
                                      phrase=body.phrase)
    return [DecisionOut(concept_id=r.concept_id, decision=r.decision, state=r.state, status=r.status)
            for r in results]


@router.get("/decisions", response_model=list[DecisionRecord])
def decisions(who: Reviewer, session: SessionDep, reviewer: str | None = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 50,
              offset: Annotated[int, Query(ge=0)] = 0) -> list[DecisionRecord]:
    """Decisions, newest first."""
    return [record_out(r) for r in review_store.recent_decisions(session, limit=limit, offset=offset,
                                                                  reviewer=reviewer)]
