"""The review desk, server-rendered: the queue, one item with its context, decisions, edits and batches.

Pages work without JavaScript (plain forms, redirect to the next item); ``desk.js`` adds the keyboard.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from adloom.api.deps import Reviewer, SessionDep
from adloom.api.security import config_of
from adloom.errors import NotFound
from adloom.review import decide as deciding
from adloom.review import preview as previews
from adloom.review.context import group_context, item_context
from adloom.review.decide import EditRefused
from adloom.store import reviews as review_store
from adloom.store.accounts import Principal
from adloom.store.brands import get_version
from adloom.store.concepts import get_concept, get_run
from adloom.store.db import transaction
from adloom.store.tables import ReviewItemRow
from adloom.types import RunSummary

router = APIRouter(tags=["desk"], include_in_schema=True)

FILTER_KEYS = ("brand", "run", "state", "platform", "angle")


def render(request: Request, who: Principal, name: str, ctx: dict[str, Any], status: int = 200) -> Response:
    return request.app.state.templates.TemplateResponse(
        request, name, {"who": who, "csrf": who.csrf or "", **ctx}, status_code=status)


def sync(request: Request, every: float = 600.0) -> None:
    """Backfill the queue at start and then every ``every`` seconds. Finished runs queue their own review
    concepts (``review_store.queue_run``); this catches the rest (a run killed before it finished, a store
    from before that), and scans every review concept, 0.14-0.19 s with a million, so never per request."""
    state = request.app.state
    if time.monotonic() - state.queue_synced_at < every:
        return
    with transaction(config_of(request).factory) as session:
        if review_store.sync_queue(session):
            state.queue_totals = {}
    state.queue_synced_at = time.monotonic()


def queue_page(request: Request, session: Any, filters: review_store.QueueFilters, *, limit: int,
               cursor: str | None) -> review_store.QueuePage:
    """A page of the queue with its total. Counting a 100,000-item queue costs more than the page itself, so
    a total is kept until a decision is recorded or an item queued (by any process: the newest decision id
    and queue time say so), or a minute passes."""
    page = review_store.queue_page(session, filters, limit=limit, cursor=cursor, count=False)
    totals: dict[review_store.QueueFilters, tuple[float, Any, int]] = request.app.state.queue_totals
    newest = (review_store.last_decision_id(session), review_store.last_queued_at(session))
    kept = totals.get(filters)
    if kept is None or kept[1] != newest or time.monotonic() - kept[0] > 60:
        kept = totals[filters] = (time.monotonic(), newest, review_store.count_queue(session, filters))
    return replace(page, total=kept[2])


def filters_from(params: dict[str, str | None]) -> review_store.QueueFilters:
    state = params.get("state") or "pending"
    return review_store.QueueFilters(brand=params.get("brand") or None, run=params.get("run") or None,
                                     state=None if state == "all" else state,
                                     platform=params.get("platform") or None, angle=params.get("angle") or None)


def _options(request: Request, session: Any) -> dict[str, list[str]]:
    """Values for the filter menus, cached a minute (distinct over a large queue is not free)."""
    cached = request.app.state.filter_options
    if cached and time.monotonic() - cached[0] < 60:
        options: dict[str, list[str]] = cached[1]
        return options
    options = {name: [v for v in session.scalars(select(col).distinct().order_by(col).limit(200)) if v]
               for name, col in (("brand", ReviewItemRow.brand_slug), ("angle", ReviewItemRow.angle_id),
                                 ("run", ReviewItemRow.run_id))}
    request.app.state.filter_options = (time.monotonic(), options)
    return options


@router.get("/")
def home(who: Reviewer) -> Response:
    return RedirectResponse("/desk", status_code=303)


@router.get("/desk")
def queue(request: Request, who: Reviewer, session: SessionDep, brand: str | None = None, run: str | None = None,
          state: str | None = None, platform: str | None = None, angle: str | None = None,
          cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> Response:
    """The queue, highest risk first, filtered by brand, run, route (state), platform and angle."""
    sync(request)
    params = {"brand": brand, "run": run, "state": state, "platform": platform, "angle": angle}
    page = queue_page(request, session, filters_from(params), limit=limit, cursor=cursor)
    qs = urlencode({k: v for k, v in params.items() if v})
    return render(request, who, "queue.html", {
        "page": page, "params": params, "qs": qs, "options": _options(request, session),
        "next_url": f"/desk?{qs}&cursor={page.next_cursor}" if page.next_cursor else None})


@router.get("/desk/items/{concept_id}")
def item(request: Request, who: Reviewer, session: SessionDep, concept_id: str, brand: str | None = None,
         run: str | None = None, state: str | None = None, platform: str | None = None,
         angle: str | None = None) -> Response:
    """One item: the concept's copy with every finding's span marked, and the context to judge it."""
    params = {"brand": brand, "run": run, "state": state, "platform": platform, "angle": angle}
    return _item_page(request, who, session, concept_id, params)


def _item_page(request: Request, who: Principal, session: Any, concept_id: str, params: dict[str, str | None],
               status: int = 200, **extra: Any) -> Response:
    ctx = item_context(session, concept_id)
    prev_id, next_id = review_store.neighbours(session, ctx.item, filters_from(params))
    qs = urlencode({k: v for k, v in params.items() if v})
    return render(request, who, "item.html", {"c": ctx, "qs": qs, "prev_id": prev_id, "next_id": next_id,
                                              "shown_at": int(time.time() * 1000), **extra}, status)


def seconds_since(shown_at: int | None) -> float | None:
    """Time to decision: from the page being served to the decision arriving (the clock is the server's)."""
    if not shown_at:
        return None
    return round(min(max(time.time() - shown_at / 1000, 0.0), 86_400.0), 3)


def _after(concept_id: str, next_id: str | None, qs: str) -> Response:
    target = f"/desk/items/{next_id}" if next_id and next_id != concept_id else "/desk"
    return RedirectResponse(f"{target}?{qs}" if qs else target, status_code=303)


@router.post("/desk/items/{concept_id}/decide")
def decide(request: Request, who: Reviewer, concept_id: str, decision: Annotated[str, Form()],
           rationale: Annotated[str, Form(max_length=4000)] = "", phrase: Annotated[str, Form(max_length=200)] = "",
           shown_at: Annotated[int | None, Form()] = None, next_id: Annotated[str, Form()] = "",
           qs: Annotated[str, Form()] = "") -> Response:
    """Approve, reject (rationale required) or escalate; then on to the next item."""
    state = request.app.state
    deciding.decide(config_of(request).factory, state.audit, who, concept_id, decision, rationale=rationale,
                    seconds=seconds_since(shown_at), phrase=phrase.strip() or None)
    return _after(concept_id, next_id, qs)


@router.post("/desk/items/{concept_id}/edit")
async def edit(request: Request, who: Reviewer, concept_id: str) -> Response:
    """Edited copy goes through the run's Governor again; blocking findings send the form back with them."""
    form = await request.form()
    edits = {key[2:]: str(value) for key, value in form.multi_items() if key.startswith("f:")}
    rationale, qs = str(form.get("rationale", "")), str(form.get("qs", ""))
    shown = form.get("shown_at")
    state = request.app.state
    try:
        result = await run_in_threadpool(deciding.edit, config_of(request).factory, state.audit, state.governors,
                                         who, concept_id, edits, rationale=rationale,
                                         seconds=seconds_since(int(str(shown)) if shown else None))
    except EditRefused as exc:
        refused = exc

        def page() -> Response:
            with config_of(request).factory() as session:
                return _item_page(request, who, session, concept_id, _params(qs), 422, edit_error=refused.message,
                                  edit_findings=refused.findings, edit_values=edits)
        return await run_in_threadpool(page)
    if result.state == "pending":           # still needs a look: show the new findings
        return RedirectResponse(f"/desk/items/{concept_id}?{qs}", status_code=303)
    return _after(concept_id, str(form.get("next_id", "")), qs)


def _params(qs: str) -> dict[str, str | None]:
    pairs = dict(parse_qsl(qs))
    return {k: pairs.get(k) for k in FILTER_KEYS}


@router.get("/desk/groups/{key}")
def group(request: Request, who: Reviewer, session: SessionDep, key: str) -> Response:
    """Near-identical open items (same angle, same flagged words) to decide in one step."""
    return render(request, who, "group.html", {"key": key, "items": group_context(session, key),
                                               "shown_at": int(time.time() * 1000)})


@router.post("/desk/batch")
async def batch(request: Request, who: Reviewer) -> Response:
    form = await request.form()
    ids = [str(v) for v in form.getlist("ids")]
    shown = form.get("shown_at")
    state = request.app.state
    await run_in_threadpool(deciding.batch, config_of(request).factory, state.audit, who, ids,
                            str(form.get("decision", "")), rationale=str(form.get("rationale", "")),
                            seconds=seconds_since(int(str(shown)) if shown else None))
    return RedirectResponse("/desk", status_code=303)


@router.get("/desk/items/{concept_id}/preview/{kind}")
def preview(request: Request, who: Reviewer, session: SessionDep, concept_id: str, kind: str) -> Response:
    """A queued concept's creative drawn for review: the static ad ("image") or the animatic's opening frame
    ("poster"). The pipeline renders approved concepts only; these are drawn on demand and cached."""
    review_store.get_item(session, concept_id)          # queued concepts only
    concept = get_concept(session, concept_id)
    brand = get_version(session, concept.brand_version) if concept else None
    if concept is None or brand is None:
        raise NotFound(f"no concept '{concept_id}' with its brand version")
    project = config_of(request).project_dir.resolve()
    folder = (project / brand.slug).resolve()
    path = previews.preview(concept, brand, kind, project / ".adloom" / "cache" / "previews",
                            folder if folder.is_relative_to(project) else None)
    return FileResponse(path, media_type="image/png", headers={"Cache-Control": "private, max-age=86400"})


@router.get("/media/{concept_id}/{asset_id}")
def media(request: Request, who: Reviewer, session: SessionDep, concept_id: str, asset_id: str,
          run: str | None = None) -> Response:
    """A rendered asset of a concept, only if it lies inside its run's output folder."""
    run_id = run or review_store.get_item(session, concept_id).run_id
    if not run_id:
        raise NotFound("no run for this concept")
    row = get_run(session, run_id)
    summary = RunSummary.model_validate(row.summary)
    asset = next((a for a in summary.assets if a.id == asset_id and a.concept_id == concept_id), None)
    if asset is None:
        raise NotFound(f"no asset '{asset_id}' for concept '{concept_id}'")
    path, root = Path(asset.path).resolve(), Path(row.out_dir).resolve()
    if not path.is_file() or not path.is_relative_to(root):
        raise NotFound(f"asset '{asset_id}' is not on disk")
    return FileResponse(path, media_type=asset.media_type)
