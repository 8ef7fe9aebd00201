"""The seams between layers stay where the design puts them, read from the source's import statements.

An AST walk rather than import-linter/grimp: the three rules fit in this file, and the project gains no
dependency (and no lock churn) for them. Every ``import``/``from ... import`` of an ``adloom`` module
counts, at module level or inside a function (a lazy import is still a dependency); only imports under
``if TYPE_CHECKING:`` are left out, since they never run.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "adloom"


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, module: str, is_package: bool) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            node.body = []      # ast.walk has not descended yet: the guarded imports are skipped
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:      # relative: resolved against this module's package
                base = module.split(".")[: len(module.split(".")) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target
            yield from (f"{target}.{alias.name}" for alias in node.names)   # `from pkg import module`


def import_graph() -> dict[str, set[str]]:
    """adloom module -> the adloom modules it imports."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = _imports(tree, name, path.name == "__init__.py")
        graph[name] = {t for t in found if t in files and t != name}
    return graph


def _layer(module: str) -> str:
    """``adloom.writers.formula.x`` -> ``writers``; a top-level module is its own layer."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


GRAPH = import_graph()


def edges_from(layer: str) -> set[tuple[str, str]]:
    return {(a, b) for a, targets in GRAPH.items() if _layer(a) == layer for b in targets}


# Which layers a layer must not import, and why. Shared pieces live in top-level modules
# (``adloom.types``, ``adloom.textfold``, ``adloom.injection``, ``adloom.textnorm``) that any layer may use.
FORBIDDEN = {
    "writers": {"store", "pipeline", "ingest", "governance", "api", "cli", "review", "feedback", "exports"},
    "brand": {"pipeline", "store", "api", "cli"},
    "store": {"pipeline", "writers", "api", "cli"},
    "ingest": {"pipeline", "writers", "store", "api", "cli"},
    "governance": {"pipeline", "writers", "store", "api", "cli"},
    "pipeline": {"api", "cli"},
}


# Modules inside a layer that serve every layer: the sentence encoder (brand clustering, brand fit, the
# pattern library's similarity, the formula writer's phrase choice) knows nothing of rules or routes.
SHARED = {"adloom.governance.embeddings"}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_does_not_reach_where_it_must_not(layer: str) -> None:
    bad = sorted(f"{a} -> {b}" for a, b in edges_from(layer) if _layer(b) in FORBIDDEN[layer] and b not in SHARED)
    assert bad == [], f"{layer}/ imports what it must not:\n" + "\n".join(bad)


def test_no_import_circle_between_brand_and_pipeline() -> None:
    """The one circle the issue found (brand/resolve.py <-> pipeline/brand.py), at the level of layers:
    brand/ is below pipeline/, so no brand module imports a pipeline one, directly or through others."""
    reach = _reachable({m for m in GRAPH if _layer(m) == "brand"})
    assert not {m for m in reach if _layer(m) == "pipeline"}


def test_no_module_level_cycle_through_the_pipeline() -> None:
    """No pipeline module is part of an import cycle (a module that reaches itself)."""
    for module in (m for m in GRAPH if _layer(m) == "pipeline"):
        assert module not in _reachable(GRAPH[module]), f"{module} imports itself through others"


def _reachable(start: set[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(GRAPH.get(module, ()))
    return seen


def test_the_graph_is_read_at_all() -> None:
    """Guards the guard: known edges are found, so an empty graph cannot pass the rules above."""
    assert "adloom.pipeline.calls" in GRAPH["adloom.pipeline.context"]
    assert "adloom.store.tables" in GRAPH["adloom.pipeline.calls"]
    assert "adloom.textfold" in GRAPH["adloom.injection"]
