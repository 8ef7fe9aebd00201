"""REST: runs (list, show, start in the background and poll, write exports again), concepts, packs, and the
audit trail (lineage, verify)."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from typing import Annotated, Any, cast

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from adloom.api.deps import Admin, Reviewer, SessionDep
from adloom.api.runner import run_in_process
from adloom.api.security import config_of
from adloom.audit.lineage import lineages
from adloom.errors import InputError, NotFound
from adloom.governance.packs import load_packs
from adloom.platforms import PLATFORMS, Platform
from adloom.review.exports import write_run_exports
from adloom.store import concepts as concept_store
from adloom.store.tables import ConceptRow, RunConceptRow, RunRow

router = APIRouter(prefix="/api", tags=["api"])


class RunOut(BaseModel):
    id: str
    brand: str
    brand_version: str
    status: str
    started_at: str
    finished_at: str | None
    by_status: dict[str, int]
    concepts: int


def run_out(row: RunRow) -> RunOut:
    summary = row.summary or {}
    return RunOut(id=row.id, brand=row.brand_slug, brand_version=row.brand_version, status=row.status,
                  started_at=row.started_at.isoformat(),
                  finished_at=row.finished_at.isoformat() if row.finished_at else None,
                  by_status=summary.get("by_status", {}), concepts=int(summary.get("concepts", 0)))


class Page(BaseModel):
    items: list[Any]
    limit: int
    offset: int
    next_offset: int | None


def page_of(items: list[Any], limit: int, offset: int) -> Page:
    """Fetched with limit + 1: one extra row says whether a next page exists."""
    more = len(items) > limit
    return Page(items=items[:limit], limit=limit, offset=offset, next_offset=offset + limit if more else None)


Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0)]


@router.get("/runs", response_model=Page)
def list_runs(who: Reviewer, session: SessionDep, brand: str | None = None, status: str | None = None,
              limit: Limit = 50, offset: Offset = 0) -> Page:
    """Runs, newest first."""
    query = select(RunRow)
    if brand:
        query = query.where(RunRow.brand_slug == brand)
    if status:
        query = query.where(RunRow.status == status)
    rows = session.scalars(query.order_by(RunRow.started_at.desc()).limit(limit + 1).offset(offset)).all()
    return page_of([run_out(r) for r in rows], limit, offset)


@router.get("/runs/{run_id}")
def show_run(who: Reviewer, session: SessionDep, run_id: str) -> dict[str, Any]:
    """A run's stored summary (counts, stage times, governance rates, outputs, assets)."""
    row = concept_store.get_run(session, run_id)
    return {**run_out(row).model_dump(), "summary": row.summary}


class RunIn(BaseModel):
    folder: str = Field(description="Brand folder on the server, relative to the project folder.")
    platforms: list[str] = Field(default_factory=lambda: [str(p) for p in PLATFORMS])
    angles: int = Field(5, ge=1, le=10)
    hooks: int = Field(5, ge=1, le=8)
    render: bool = False
    force: bool = False


@router.post("/runs", status_code=202)
def start_run(request: Request, who: Admin, body: RunIn) -> dict[str, Any]:
    """Start a run in the background (formula writer unless the server's settings name another); poll
    ``/api/jobs/{id}``."""
    config = config_of(request)
    folder = (config.project_dir / body.folder).resolve()
    if not folder.is_relative_to(config.project_dir.resolve()) or not folder.is_dir():
        raise InputError("brand folder not found inside the project folder", field="folder")
    unknown = [p for p in body.platforms if p not in PLATFORMS]
    if unknown or not body.platforms:
        raise InputError(f"unknown platform(s): {', '.join(unknown) or '(none)'}", field="platforms")
    platforms = cast(list[Platform], body.platforms)
    job = request.app.state.jobs.start(partial(run_in_process, config, folder, platforms, body.angles, body.hooks,
                                               body.render, body.force))
    return {"job": job.id, "poll": f"/api/jobs/{job.id}"}


@router.get("/jobs/{job_id}")
def poll_job(request: Request, who: Reviewer, job_id: str) -> dict[str, Any]:
    job = request.app.state.jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job '{job_id}' on this server")
    return asdict(job)


@router.post("/runs/{run_id}/exports")
async def write_exports(request: Request, who: Reviewer, run_id: str) -> dict[str, str]:
    """Write the run's report and bulk files again with every decision so far."""
    outputs = await run_in_threadpool(write_run_exports, config_of(request).factory, request.app.state.audit,
                                      run_id, actor=who.name)
    return {name: str(path) for name, path in outputs.items()}


@router.get("/concepts", response_model=Page)
def list_concepts(who: Reviewer, session: SessionDep, run: str | None = None, brand: str | None = None,
                  status: str | None = None, angle: str | None = None, limit: Limit = 50,
                  offset: Offset = 0) -> Page:
    """Concepts (without their drafts), filtered by run, brand, status and angle."""
    query = select(ConceptRow.id, ConceptRow.brand_slug, ConceptRow.brand_version, ConceptRow.angle_id,
                   ConceptRow.segment_id, ConceptRow.status, ConceptRow.attempts, ConceptRow.writer_id)
    if run:
        query = query.join(RunConceptRow, RunConceptRow.concept_id == ConceptRow.id).where(RunConceptRow.run_id == run)
    for column, value in ((ConceptRow.brand_slug, brand), (ConceptRow.status, status), (ConceptRow.angle_id, angle)):
        if value:
            query = query.where(column == value)
    rows = session.execute(query.order_by(ConceptRow.created_at.desc(), ConceptRow.id).limit(limit + 1)
                           .offset(offset)).all()
    return page_of([dict(r._mapping) for r in rows], limit, offset)


@router.get("/concepts/{concept_id}")
def show_concept(who: Reviewer, session: SessionDep, concept_id: str) -> dict[str, Any]:
    concept = concept_store.find_concept(session, concept_id)
    verdicts = concept_store.verdicts_for(session, [concept.id])[concept.id]
    return {"concept": concept.model_dump(mode="json"), "verdicts": [v.model_dump(mode="json") for v in verdicts]}


@router.get("/packs")
def packs(request: Request, who: Reviewer) -> dict[str, Any]:
    """The rule packs in force for this project (defaults replaced by the project's own), with versions."""
    loaded = load_packs(config_of(request).project_dir)
    return {"version": loaded.version, "packs": [
        {"id": p.id, "version": p.version, "ref": p.ref, "rules": len(p.rules), "origin": loaded.origins.get(p.id),
         "description": p.description} for p in loaded.packs],
        "problems": [str(p) for p in loaded.problems]}


@router.get("/audit/lineage/{ref}")
def lineage(request: Request, who: Reviewer, ref: str) -> list[dict[str, Any]]:
    """The decision path of a concept or ad name: inputs, generation, verdicts, review decisions, exports."""
    found = lineages(config_of(request).factory, ref)
    return [lin.model_dump(mode="json") for lin in found]


@router.get("/audit/verify")
def verify(request: Request, who: Admin) -> dict[str, Any]:
    """Recompute the whole hash chain and check it against the store's anchor, signing key and witness,
    as `adloom audit verify` does (admin: it reads every event)."""
    from adloom.cli.audit import trusted_verify
    from adloom.settings import Settings

    config = config_of(request)
    report = trusted_verify(config.factory, config.project_dir, config.settings or Settings())
    return {**report.model_dump(mode="json"), "summary": report.summary()}
