"""SIGKILL a worker in the middle of a unit: the unit is delivered again and finished by another worker; no
concept, model call or audit event is stored twice; the run completes and the audit chain verifies."""

from __future__ import annotations

from tests.conftest import EXAMPLE_BRAND
from tests.scale.fault_harness import (
    Scene,
    assert_store_whole,
    concepts_of,
    copy_brand,
    fault_scene,  # noqa: F401  (fixture)
    kill,
    wait_until,
)
from tests.writers_models.fake_model_server import Profile, fake_model_server


def test_a_worker_killed_mid_unit(fault_scene: Scene) -> None:  # noqa: F811
    scene = fault_scene
    brand = copy_brand(EXAMPLE_BRAND, scene.project)
    # a slow model (speed 20: a concept takes seconds on a loaded machine) so there is a unit in hand to kill; a short
    # visibility timeout so the broker hands the dead worker's message out again within the test
    with fake_model_server(Profile(speed=20.0)) as model:
        scene.model_url = model.base_url
        scene.extra_env.update(ADLOOM_VISIBILITY_TIMEOUT="15", ADLOOM_UNIT_RESEND_AFTER="60")
        victim = scene.start_worker("--concurrency", "1")
        scene.start_worker("--concurrency", "1")
        driver = scene.start(*scene.run_cmd(brand, "--executor", "celery"), log="driver")

        def victim_busy() -> bool:
            return bool(scene.scalar("SELECT count(*) FROM run_units WHERE status = 'running' AND kind = 'concept' "
                                     "AND worker LIKE :w", w=f"adloom-{victim.pid}@%"))
        wait_until("the victim worker to be in the middle of a unit", victim_busy, timeout=300, every=0.05)
        (unit,) = scene.rows("SELECT unit FROM run_units WHERE status = 'running' AND worker LIKE :w",
                             w=f"adloom-{victim.pid}@%")[0]
        kill(victim)                       # SIGKILL to the worker and its pool: no chance to ack or clean up
        victim.wait(timeout=30)
        out = scene.wait(driver, timeout=600)

    (run_id, status), = scene.rows("SELECT id, status FROM runs")
    assert status == "done", out
    deliveries, unit_status = scene.rows("SELECT deliveries, status FROM run_units WHERE run_id = :r AND unit = :u",
                                         r=run_id, u=unit)[0]
    assert unit_status == "done" and deliveries >= 2, (deliveries, unit_status)
    assert len(concepts_of(scene, run_id)) == 15
    assert scene.scalar("SELECT count(*) FROM concepts") == 15
    assert_store_whole(scene)
