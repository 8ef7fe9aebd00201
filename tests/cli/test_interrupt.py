"""Ctrl-C during a run, for real: a subprocess, SIGINT to its process group (what a terminal sends), then the
same command again. The run is marked interrupted with one line and exit 130; the rerun finishes the same run
id and leaves every file the first attempt finished untouched."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from adloom.store.db import open_store
from adloom.store.tables import RunRow
from tests.conftest import EXAMPLE_BRAND

ADLOOM = str(Path(sys.executable).with_name("adloom"))
PROGRESS = re.compile(r"^render (\d+)/(\d+)")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _runs(db_url: str) -> list[tuple[str, str]]:
    with open_store(db_url)() as session:
        return [(r.id, r.status) for r in session.scalars(select(RunRow))]


def test_ctrl_c_marks_the_run_interrupted_and_the_rerun_finishes_it(tmp_path: Path, db_url: str) -> None:
    brand = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, brand, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    env = {**os.environ, "ADLOOM_DATABASE_URL": db_url}
    cmd = [ADLOOM, "run", str(brand), "--angles", "1", "--hooks", "2", "--project", str(tmp_path),
           "--out", str(tmp_path / "out")]
    # SIGINT handled as a terminal's child has it: a shell starts background jobs with SIGINT ignored, and a
    # child inherits that (the suite started with `&` failed here, the run finishing with exit 0)
    first = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                             start_new_session=True, preexec_fn=_default_sigint)
    assert first.stdout is not None
    deadline = time.monotonic() + 600
    seen: list[str] = []
    for line in first.stdout:       # piped, so progress comes as plain lines while the work goes on
        seen.append(line)
        match = PROGRESS.match(line)
        if match and 4 <= int(match[1]) < int(match[2]):
            break
        assert time.monotonic() < deadline, "".join(seen)
    else:
        raise AssertionError("the run ended before the render stage was under way:\n" + "".join(seen))
    os.killpg(first.pid, signal.SIGINT)
    sent = time.monotonic()
    out, err = first.communicate(timeout=300)
    # if the run finishes instead, say what it printed
    assert first.returncode == 130, (f"exit {first.returncode} {time.monotonic() - sent:.1f} s after SIGINT at "
                                     f"{seen[-1].strip()!r}\nstdout after it:\n{out[-4000:]}\nstderr:\n{err}")
    assert "Traceback" not in out + err
    assert err.count("\n") == 1 and err.startswith("interrupted: run "), err
    run_id = re.search(r"run (\S+) is marked interrupted", err)[1]  # type: ignore[index]
    assert _runs(db_url) == [(run_id, "interrupted")]

    assets = next((tmp_path / "out" / "restwave").glob(f"{run_id}/assets"))
    journal = [json.loads(line) for line in (assets / "rendered.jsonl").read_text().splitlines() if line.strip()]
    assert len(journal) >= 4
    finished = {e["asset"]["path"]: (assets.parent / e["asset"]["path"]).stat().st_mtime_ns for e in journal}

    again = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=900)
    assert again.returncode == 0, again.stderr
    unwrapped = again.stdout.replace("\n", "")      # a piped console still wraps long paths at 80 columns
    assert f"run {run_id}" in unwrapped and f"{run_id}/report.html" in unwrapped
    assert _runs(db_url) == [(run_id, "done")]
    for path, mtime in finished.items():        # reused, not rendered again
        assert (assets.parent / path).stat().st_mtime_ns == mtime, path
    manifest = json.loads((assets / "manifest.json").read_text())
    assert set(finished) <= {a["path"] for a in manifest["assets"]}
    assert not (assets / "rendered.jsonl").exists()
