"""Loading YAML and JSON inputs with errors that name the file and line.

Forms and personas define the brand, so a malformed one stops the run instead of being dropped quietly.
"""

from __future__ import annotations

import json
from typing import Any

import yaml

from adloom.errors import BrandInputError
from adloom.ingest.limits import data_ok, json_depth_ok, yaml_node_ok
from adloom.yamlutil import SafeLoader


def load_yaml(text: str, relpath: str) -> tuple[Any, yaml.Node | None]:
    """The parsed data and its root node (the node's marks give line numbers for provenance)."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        yaml_node_ok(node, relpath)     # before construction: depth and alias expansion are bounded
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "syntax error"
        raise BrandInputError(f"malformed YAML: {problem}", file=relpath,
                              line=mark.line + 1 if mark else None) from exc
    except yaml.YAMLError as exc:
        raise BrandInputError(f"malformed YAML: {exc}", file=relpath) from exc
    finally:
        loader.dispose()
    data_ok(data, relpath)
    return data, node


def load_json(text: str, relpath: str) -> Any:
    json_depth_ok(text, relpath)        # json.loads recurses: a form nested 100,000 deep was a RecursionError
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BrandInputError(f"malformed JSON: {exc.msg} (column {exc.colno})", file=relpath,
                              line=exc.lineno) from exc
    data_ok(data, relpath)
    return data


def node_lines(node: yaml.Node) -> tuple[int, int]:
    """1-based first and last line of a YAML node."""
    end = node.end_mark.line if node.end_mark.column == 0 else node.end_mark.line + 1
    return node.start_mark.line + 1, max(end, node.start_mark.line + 1)


def render_fields(data: dict[str, Any], prefix: str = "") -> list[str]:
    """``path: value`` lines, a readable rendering of nested data for text search and the writer."""
    lines: list[str] = []
    for key, value in data.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            lines.extend(render_fields(value, prefix=f"{path}."))
        elif isinstance(value, list) and any(isinstance(item, dict) for item in value):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    lines.extend(render_fields(item, prefix=f"{path}.{index}."))
                else:
                    lines.append(f"{path}.{index}: {item}")
        elif isinstance(value, list):
            lines.append(f"{path}: {'; '.join(str(item) for item in value)}")
        elif value is not None:
            lines.append(f"{path}: {value}")
    return lines
