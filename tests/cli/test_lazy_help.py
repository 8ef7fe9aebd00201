"""`adloom --help` lists every command without importing any command's module (issue 17: ≤ 0.5 s)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("sqlalchemy", "numpy", "pydantic", "alembic", "onnxruntime", "trafilatura", "adloom.store", "adloom.cli.run")

_PROBE = """
import json, sys
from adloom.cli.main import app
try:
    app(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(m for m in sys.modules if m.split(".")[0] in {"sqlalchemy", "numpy", "pydantic",
      "alembic", "onnxruntime", "trafilatura"} or m.startswith(("adloom.store", "adloom.cli.")))))
"""


def _modules_after(*args: str) -> tuple[str, list[str]]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, check=True).stdout
    help_text, _, last = out.rstrip().rpartition("\n")
    return help_text, json.loads(last)


def test_help_lists_every_command_and_imports_none_of_them() -> None:
    from adloom.cli.main import COMMANDS

    help_text, loaded = _modules_after("--help")
    assert all(f" {name} " in help_text for name in COMMANDS)
    assert "Run the whole pipeline on a brand folder" in help_text      # a docstring, read from source
    assert not [m for m in loaded if m.startswith(HEAVY)], loaded


def test_a_command_imports_only_its_own_module() -> None:
    _, loaded = _modules_after("brand", "--help")
    assert "adloom.cli.brand" in loaded
    assert not {"adloom.cli.run", "adloom.cli.audit", "adloom.cli.serve", "adloom.cli.feedback"} & set(loaded)
