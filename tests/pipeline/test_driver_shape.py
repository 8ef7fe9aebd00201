"""The driver fits on one screen and no pipeline function grows past 60 lines (issue 17)."""

from __future__ import annotations

import ast
from pathlib import Path

PIPELINE = Path(__file__).resolve().parents[2] / "src" / "adloom" / "pipeline"
LIMIT = 60


def _functions() -> list[tuple[int, str]]:
    out = []
    for path in sorted(PIPELINE.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                out.append((node.end_lineno - node.lineno + 1, f"{path.name}:{node.lineno} {node.name}"))
    return out


def test_no_pipeline_function_is_over_60_lines() -> None:
    functions = _functions()
    assert len(functions) > 50      # the walk found the package
    assert [f for f in functions if f[0] > LIMIT] == []


def test_the_driver_lists_the_stages_in_order() -> None:
    source = (PIPELINE / "run.py").read_text(encoding="utf-8")
    stages = ["ingest.documents", "brand_for_run", "run_start", "chosen_angles", "governed_concepts",
              "dedupe.deduped", "handed_to_review", "rendered", "finished"]
    positions = [source.index(f"{stage}(") for stage in stages]
    assert positions == sorted(positions)
