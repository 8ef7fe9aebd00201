"""``adloom --version`` from the installed console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import adloom


def test_version_prints_and_exits_zero() -> None:
    exe = Path(sys.executable).with_name("adloom")
    done = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"adloom {adloom.__version__}\n"
