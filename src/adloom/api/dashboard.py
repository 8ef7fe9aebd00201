"""The dashboard (governance and review figures as charts) and the library of runs and concepts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from adloom.api.deps import Reviewer, SessionDep
from adloom.api.desk import render
from adloom.api.security import config_of
from adloom.review.exports import write_run_exports
from adloom.review.figures import dashboard as figures
from adloom.store.concepts import get_run, run_concepts
from adloom.store.tables import RunRow
from adloom.types import RunSummary

router = APIRouter(tags=["desk"])


@router.get("/desk/dashboard")
def dashboard_page(request: Request, who: Reviewer, session: SessionDep) -> Response:
    return render(request, who, "dashboard.html", {"d": figures(session)})


@router.get("/api/dashboard")
def dashboard_json(who: Reviewer, session: SessionDep) -> dict[str, Any]:
    """The dashboard's figures: governance rates per run, time to approval, reject reasons, per reviewer."""
    d = figures(session)
    return {"waits": d.waits, "decisions": d.decisions,
            "rates": [{"name": s.name, "last": s.last} for s in d.rates.series],
            "reject_reasons": [{"reason": b.label, "count": b.value} for b in d.reasons.bars],
            "per_reviewer": [{"reviewer": b.label, "count": b.value} for b in d.reviewers.bars]}


@router.get("/desk/library")
def library(request: Request, who: Reviewer, session: SessionDep, brand: str | None = None,
            offset: Annotated[int, Query(ge=0)] = 0) -> Response:
    """Runs, newest first, 50 a page."""
    query = select(RunRow).where(RunRow.status == "done")
    if brand:
        query = query.where(RunRow.brand_slug == brand)
    rows = session.scalars(query.order_by(RunRow.started_at.desc()).limit(51).offset(offset)).all()
    return render(request, who, "library.html", {"runs": rows[:50], "brand": brand or "",
                                                 "next_offset": offset + 50 if len(rows) > 50 else None})


@router.get("/desk/library/{run_id}")
def library_run(request: Request, who: Reviewer, session: SessionDep, run_id: str, status: str | None = None,
                angle: str | None = None, segment: str | None = None, platform: str | None = None) -> Response:
    """A run's concepts with thumbnails, filtered by status, angle, segment and platform."""
    row = get_run(session, run_id)
    summary = RunSummary.model_validate(row.summary)
    thumbs: dict[str, Any] = {}
    for asset in summary.assets:
        if asset.kind == "image" and asset.concept_id not in thumbs:
            thumbs[asset.concept_id] = asset
    concepts = [c for c in run_concepts(session, run_id)
                if (not status or c.status == status) and (not angle or c.angle.id == angle)
                and (not segment or c.segment_id == segment)
                and (not platform or any(v.platform == platform for v in (c.draft.copy_variants if c.draft else [])))]
    return render(request, who, "run.html", {"run": row, "summary": asdict_safe(summary), "concepts": concepts,
                                             "thumbs": thumbs, "f": {"status": status or "", "angle": angle or "",
                                                                     "segment": segment or "",
                                                                     "platform": platform or ""}})


def asdict_safe(summary: RunSummary) -> dict[str, Any]:
    return summary.model_dump(mode="json", include={"run_id", "brand_slug", "concepts", "by_status", "angles"})


@router.post("/desk/library/{run_id}/exports")
async def write_exports(request: Request, who: Reviewer, run_id: str) -> Response:
    """Write the run's report and bulk files again with every decision so far."""
    await run_in_threadpool(write_run_exports, config_of(request).factory, request.app.state.audit, run_id,
                            actor=who.name)
    return RedirectResponse(f"/desk/library/{run_id}", status_code=303)
