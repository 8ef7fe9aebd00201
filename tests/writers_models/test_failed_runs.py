"""A run whose every concept failed exits non-zero, and its failures are never reused: once the provider
recovers, the same command retries them. Real `adloom run` processes against the local model server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.writers_models.conftest import brand_folder
from tests.writers_models.server import ModelServer, Reply, formula_responder, serve

ADLOOM = Path(sys.executable).parent / "adloom"

FAULTS = {
    "500": lambda: Reply(status=500, body={"error": {"message": "internal error"}}),
    "429 retry-after 1h": lambda: Reply(status=429, body={"error": {"message": "slow down"}},
                                        headers={"retry-after": "3600"}),
    "invalid JSON": lambda: Reply(status=200, body="{not json"),
    "hang": lambda: Reply(delay=5.0, body={"error": "too late"}, status=500),
}


def _run(folder: Path, tmp_path: Path, server: ModelServer) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    env |= {"ADLOOM_OPENAI_BASE_URL": server.base_url, "ADLOOM_OPENAI_API_KEY": "test-key",
            "ADLOOM_WRITER_RETRIES": "1", "ADLOOM_WRITER_TIMEOUT": "1", "ADLOOM_WRITER_MAX_REASKS": "0"}
    return subprocess.run([str(ADLOOM), "run", str(folder), "--writer", "openai:some-model", "--no-render",
                           "--angles", "1", "--project", str(tmp_path), "--out", str(tmp_path / "out")],
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("fault", list(FAULTS))
def test_every_concept_failing_exits_5_and_the_rerun_retries(fault: str, tmp_path: Path) -> None:
    folder = brand_folder(tmp_path)
    broken = True

    def responder(request: dict[str, Any]) -> Reply:
        return FAULTS[fault]() if broken else formula_responder(request)

    with serve("openai", responder=responder) as server:
        first = _run(folder, tmp_path, server)
        assert first.returncode == 5, (first.returncode, first.stderr[-1500:])
        assert "3 of 3 concepts failed" in first.stderr and "Traceback" not in first.stderr
        broken = False                  # the provider recovers
        calls_before = len(server.requests)
        second = _run(folder, tmp_path, server)
        assert second.returncode == 0, second.stderr[-1500:]
        assert "nothing changed" not in second.stdout          # not the failed run's outputs again
        assert len(server.requests) > calls_before             # the failed units were written again
        assert "approved" in second.stdout
