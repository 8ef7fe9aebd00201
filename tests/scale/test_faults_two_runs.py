"""Two ``adloom run`` of the same brand, on the same project and store, started at once with the celery
executor: one set of concepts (by content key, each stored once), two finished runs that both reference
all of them, both commands exit 0, the audit chain verifies.

"At once" is made certain, not left to timing: the two drivers start together, and the workers only once
both runs are recorded (a run is recorded before it sends any unit), so neither run can finish before the
other has started, and the two runs' units for the same content keys sit in the queue side by side.
"""

from __future__ import annotations

from tests.conftest import EXAMPLE_BRAND
from tests.scale.fault_harness import (
    Scene,
    assert_store_whole,
    copy_brand,
    wait_until,
)
from tests.scale.faults_db15 import scene15, start_workers  # noqa: F401  (fixture)
from tests.writers_models.fake_model_server import Profile, fake_model_server


def test_two_runs_of_one_brand_at_once(scene15: Scene) -> None:  # noqa: F811
    scene = scene15
    brand = copy_brand(EXAMPLE_BRAND, scene.project)
    with fake_model_server(Profile(speed=200.0)) as model:    # re-asks and rewrites on (10 % each)
        scene.model_url = model.base_url
        drivers = [scene.start(*scene.run_cmd(brand, "--executor", "celery"), log=f"driver{i}") for i in (0, 1)]

        def both_recorded() -> bool:
            for driver in drivers:
                assert driver.poll() is None, f"a driver exited before the workers started:\n{scene.tail(driver)}"
            return int(scene.scalar("SELECT count(*) FROM runs")) == 2
        wait_until("both runs recorded", both_recorded, timeout=300)
        start_workers(scene, 2, "--concurrency", "2")
        outs = [scene.wait(driver, timeout=600) for driver in drivers]

    runs = scene.rows("SELECT id, status FROM runs ORDER BY id")
    assert [s for _, s in runs] == ["done", "done"], (runs, outs)
    (a, _), (b, _) = runs
    linked = {run: scene.rows("SELECT position, concept_id FROM run_concepts WHERE run_id = :r ORDER BY position",
                              r=run) for run in (a, b)}
    assert len(linked[a]) == 15 and linked[a] == linked[b], linked     # the same concepts, in the same order
    stored = scene.rows("SELECT id FROM concepts")
    assert sorted(c for (c,) in stored) == sorted(c for _, c in linked[a]), "one set of concepts, each once"
    # each run's units named the same content keys
    keys = {run: scene.rows("SELECT unit, key FROM run_units WHERE run_id = :r AND kind = 'concept' ORDER BY unit",
                            r=run) for run in (a, b)}
    assert keys[a] == keys[b] and len(keys[a]) == 15
    generated = scene.rows("SELECT subject, count(*) FROM audit_events WHERE kind = 'concept.generated' "
                           "GROUP BY subject")
    assert len(generated) == 15, "every concept's generation is in the audit log"
    # figures: how much each run found done by the other (reused) and the model calls each paid for
    print({run: scene.rows("SELECT count(*) FILTER (WHERE result ->> 'reused' = 'true'), (SELECT count(*) FROM "
                           "writer_calls w WHERE w.run_id = :r AND w.cache_hit = 0) FROM run_units "
                           "WHERE run_id = :r AND kind = 'concept'", r=run)[0] for run in (a, b)})
    assert_store_whole(scene)
