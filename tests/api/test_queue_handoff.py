"""A finished run queues its own review concepts (``queue_run``), so the desk never rescans the store per
request; its cached totals notice items another process queued; the backfill catches what no finish queued."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from adloom.store import reviews as review_store
from adloom.store.db import transaction
from adloom.store.tables import ReviewItemRow

from .conftest import login
from .seed import Seeded, run_example, seed

# a house rule that sends concepts mentioning the pool to a reviewer (5 of the example's 15)
HOUSE = """\
id: house
version: "1"
rules:
  - id: house.pool
    description: the pool (a sponsor's trademark) needs a reviewer's eye
    category: brand
    severity: review
    terms: [pool]
    fix_hint: Check the sponsor's name is used as the brand guide says.
    source: house style guide
    checked: 2026-12-06
"""


def _queued(store: sessionmaker[Session]) -> dict[str, ReviewItemRow]:
    with transaction(store) as session:
        return {row.concept_id: row for row in session.scalars(select(ReviewItemRow))}


def _run_review_ids(seeded: Seeded) -> set[str]:
    return {c.id for c in seeded.result.concepts if c.status == "review"}


def test_a_finished_run_queues_its_review_concepts_once(store: sessionmaker[Session], tmp_path: Path) -> None:
    # the seed stores four review-routed variants after the run, without queue rows: what a run killed
    # before its finish leaves behind
    seeded = seed(store, tmp_path, 4)
    run_id = seeded.result.summary.run_id
    assert set(_queued(store)) == _run_review_ids(seeded)      # the run's own finish queued its review concepts
    others = [c.id for c in seeded.result.concepts if c.status != "review"]
    assert others, "the example run should approve some concepts"
    with transaction(store) as session:
        assert review_store.queue_run(session, run_id, seeded.queued + others) == 4
    items = _queued(store)
    assert set(items) == _run_review_ids(seeded) | set(seeded.queued)
    assert {items[cid].run_id for cid in seeded.queued} == {run_id}
    assert {items[cid].state for cid in seeded.queued} == {"pending"}
    with transaction(store) as session:
        assert review_store.queue_run(session, run_id, seeded.queued) == 0
        assert review_store.sync_queue(session) == 0


def test_a_run_s_own_finish_queues_what_governance_routed_to_review(store: sessionmaker[Session],
                                                                      tmp_path: Path) -> None:
    (tmp_path / "packs").mkdir()
    (tmp_path / "packs" / "house.yaml").write_text(HOUSE)
    result = run_example(store, tmp_path)
    routed = {c.id for c in result.concepts if c.status == "review"}
    assert routed, "the house rule should route concepts to review"
    items = _queued(store)
    assert set(items) == routed                                     # no backfill has run: the finish did it
    assert {i.run_id for i in items.values()} == {result.summary.run_id}


def test_the_desk_total_follows_items_queued_elsewhere(app_client: TestClient, store: sessionmaker[Session],
                                                       tmp_path: Path) -> None:
    seeded = seed(store, tmp_path, 4)
    before = len(_run_review_ids(seeded))
    state = app_client.app.state  # type: ignore[attr-defined]
    state.queue_synced_at = time.monotonic()        # the backfill held off: only queue_run adds items here
    login(app_client, "rita")
    assert app_client.get("/api/review/items").json()["total"] == before
    with transaction(store) as session:             # another process finishing a run
        review_store.queue_run(session, seeded.result.summary.run_id, seeded.queued[:2])
    page = app_client.get("/api/review/items").json()  # at once, not after the totals' minute
    assert page["total"] == before + 2
    assert set(seeded.queued[:2]) <= {item["concept_id"] for item in page["items"]}
    state.queue_synced_at = float("-inf")           # the backfill's turn: the other two
    assert app_client.get("/api/review/items").json()["total"] == before + 4
