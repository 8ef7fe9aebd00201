"""A provider answering 429 with ``Retry-After`` to every third call, across 4 worker processes sharing one
model budget through Redis: counted at the provider (the stand-in, in its own process, logs every request's
wall-clock time), requests honour ``Retry-After`` and never exceed the shared budget; the run completes.

What the stand-in's log can prove, and what this test asserts:

- **each refused call waits**: the next request of a call refused at t0 (the same messages, so the same
  prompt hash) arrives at t0 + Retry-After or later, and every refused call is answered in the end;
- **the pause is shared**: after a 429 at t0, until t0 + Retry-After, the refused call's worker sends
  nothing and every other worker at most one request. One, not none: the budget never takes back a slot it
  has granted (``writers.shared_budget``), so a request another worker was already waiting to send when the
  429 came still goes; anything it reserves after the pause was published waits for the pause's end, and a
  worker (concurrency 1) reserves its next request only after the previous one was answered;
- **the budget holds** (GCRA, ``RPM`` below, request burst ``BURST`` = 5 s of rate, the default): any k
  consecutive requests span at least (k - BURST) x 60/RPM seconds, less ``JITTER`` for the time between the
  budget's grant and the request reaching the stand-in. So no 1-s window holds more than RPM/60 + BURST.
  With 4 workers and 2-s pauses the workers ask for more than 1 request/s and the budget paces them: the
  figures printed show how close the busiest spans came to the bound.

Call rows: one per attempt (a 429 is a row with its error), as many as the stand-in saw requests. The
stand-in's ``invalid_share`` is 0, so every model call is one HTTP request (a re-ask would be a second
request in the same call row); governance rewrites stay on (10 % of first drafts).
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from tests.conftest import EXAMPLE_BRAND
from tests.scale.fault_harness import (
    Scene,
    assert_store_whole,
    concepts_of,
    copy_brand,
)
from tests.scale.faults_db15 import scene15, start_workers, wait_ready  # noqa: F401  (fixture)
from tests.writers_models.fake_model_server import Profile, fake_model_server

RPM = 60.0                       # one request a second, shared by the driver and the 4 workers
BURST = max(1.0, RPM * 5 / 60)   # the budget's default request burst: 5 s of rate (writers.ratelimit.BURST_SECONDS)
RETRY_AFTER = 2.0
JITTER = 0.5                     # s between the budget's grant and the request reaching the stand-in (a loaded CI box)
WORKERS = 4


def test_a_throttling_provider_across_four_workers(scene15: Scene) -> None:  # noqa: F811
    scene = scene15
    brand = copy_brand(EXAMPLE_BRAND, scene.project)
    # speed 200: a concept draft takes ~0.5-1 s of wall time; invalid_share 0: one request per call row
    profile = Profile(speed=200.0, throttle_every=3, retry_after=RETRY_AFTER, invalid_share=0.0)
    with fake_model_server(profile) as model:
        scene.model_url = model.base_url
        # 8 attempts: after each pause the refused call may come third again (the others queued first)
        scene.extra_env.update(ADLOOM_WRITER_RPM=f"{RPM:g}", ADLOOM_WRITER_RETRIES="8")
        # the workers start alongside the driver (its units wait in the queue): ~10 s saved
        workers = start_workers(scene, WORKERS, "--concurrency", "1", wait=False)
        driver = scene.start(*scene.run_cmd(brand, "--executor", "celery"), log="driver")
        wait_ready(scene, workers)
        out = scene.wait(driver, timeout=600)
        log = sorted(model.log(), key=lambda r: r["wall"])

    (run_id, status), = scene.rows("SELECT id, status FROM runs")
    assert status == "done", out
    assert len(concepts_of(scene, run_id)) == 15 and scene.scalar("SELECT count(*) FROM concepts") == 15
    units = scene.rows("SELECT unit, worker, deliveries FROM run_units WHERE run_id = :r AND kind = 'concept'",
                       r=run_id)
    assert all(d == 1 for _, _, d in units), f"a 429 made a unit run twice: {units}"
    refused = [r for r in log if r["status"] == 429]
    assert len(refused) == len(log) // 3, "the stand-in refused every third request"

    # call rows: one per attempt, 429s included, as the provider counted them
    calls = scene.rows("SELECT error FROM writer_calls WHERE cache_hit = 0")
    assert len(calls) == len(log), (len(calls), len(log))
    assert sum(1 for (e,) in calls if e and "(429)" in e) == len(refused)
    assert sum(1 for (e,) in calls if e is None) == len(log) - len(refused)

    who = _attribute(log, {u: w for u, w, _ in units})
    pause = _check_retry_after(log, who)
    spans = _check_budget([r["wall"] for r in log])
    print(json.dumps({"requests": len(log), "refused": len(refused), "concept_units": len(units),
                      "requests_in_pause_windows_by_other_workers": pause, **spans}))

    assert_store_whole(scene)


def _attribute(log: list[dict[str, Any]], unit_worker: dict[str, str]) -> list[str]:
    """Who sent each request: the worker that ran its unit (concept calls name their angle and segment; a
    refused request, logged before it was read, is its call's later request with the same prompt hash), or
    the driver (the brand and angle calls, before any unit is sent)."""
    unit_of = {r["prompt_hash"]: f"{r['angle']}/{r['segment']}" for r in log if r["angle"] and r["segment"]}
    who = []
    for r in log:
        if r["kind"] != "ConceptDraft":
            who.append("driver")
            continue
        unit = unit_of.get(r["prompt_hash"])
        assert unit in unit_worker, f"a concept request of no known unit: {r}"
        who.append(unit_worker[unit])
    return who


def _check_retry_after(log: list[dict[str, Any]], who: list[str]) -> int:
    """Each refused call's next request comes Retry-After later; in that window the refused call's worker
    sends nothing and any other sender at most one request. Returns how many such requests there were."""
    allowed = 0
    for i, r in enumerate(log):
        if r["status"] != 429:
            continue
        t0 = r["wall"]
        again = [s for s in log[i + 1:] if s["prompt_hash"] == r["prompt_hash"]]
        assert again, f"a refused call never asked again (it failed?): {r}"
        assert again[0]["wall"] - t0 >= RETRY_AFTER, (
            f"retried {again[0]['wall'] - t0:.3f}s after a 429 asking {RETRY_AFTER:g}s")
        window = Counter(who[j] for j in range(i + 1, len(log)) if log[j]["wall"] < t0 + RETRY_AFTER)
        assert window[who[i]] == 0, f"the refused worker sent again within Retry-After: {window}"
        assert all(n <= 1 for n in window.values()), (
            f"a worker sent twice within the {RETRY_AFTER:g}s pause after the 429 at {t0:.3f}: {window}")
        allowed += sum(window.values())
    return allowed


def _check_budget(times: list[float]) -> dict[str, Any]:
    """The GCRA bound on every run of consecutive requests, and the figures: the busiest 1-s window and the
    tightest span (how many requests short of the bound the busiest stretch stayed)."""
    interval = 60.0 / RPM
    tightest = float("inf")
    for i in range(len(times)):
        for j in range(i, len(times)):
            bound = BURST + (times[j] - times[i] + JITTER) / interval
            tightest = min(tightest, bound - (j - i + 1))
            assert j - i + 1 <= bound, (f"{j - i + 1} requests in {times[j] - times[i]:.3f}s: over the shared "
                                        f"budget ({RPM:g}/min, burst {BURST:g})")
    busiest = max(sum(1 for t in times if start <= t < start + 1.0) for start in times)
    assert busiest <= RPM / 60 + BURST
    per_second: dict[int, int] = defaultdict(int)
    for t in times:
        per_second[int(t - times[0])] += 1
    return {"busiest_1s": busiest, "bound_1s": RPM / 60 + BURST, "tightest_margin_requests": round(tightest, 2),
            "span_s": round(times[-1] - times[0], 1), "per_second": [per_second[s] for s in range(max(per_second) + 1)]}
