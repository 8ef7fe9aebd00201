"""How much hostile structure an input may carry before it is refused with one line (file, line, field).

Without these a 3,000-level dotted CSV field or a JSON form nested 100,000 deep ended in a RecursionError,
YAML nested 900 deep crashed later when brand.yaml was written, and a billion-laughs YAML file (a few
aliases each repeating the one before) expanded into minutes of work. Each check here is one linear pass
with no recursion, done before the data reaches code that recurses.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

from adloom.errors import BrandInputError

MAX_DEPTH = 32                    # nesting of mappings and lists; a brand form needs 4
MAX_YAML_NODES = 100_000          # nodes after alias expansion; a generous form has a few hundred
MAX_FORM_BYTES = 2_000_000        # an onboarding form or persona file
MAX_FIELD_CHARS = 20_000          # one form value or CSV cell (a tagline is 60; a long 'about' a few thousand)
MAX_HTML_BYTES = 3_000_000        # a saved page is read up to here; the rest is cut with a warning
MAX_PAGE_CHARS = 200_000          # text kept from one page or document after extraction

_JSON_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}\n]')


def check_size(raw: bytes, relpath: str, limit: int = MAX_FORM_BYTES) -> None:
    if len(raw) > limit:
        raise BrandInputError(f"{len(raw):,} bytes, over the {limit:,} byte limit for this kind of file",
                              file=relpath)


def json_depth_ok(text: str, relpath: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before ``json.loads`` recurses into it (strings skipped)."""
    depth, line = 0, 1
    for match in _JSON_TOKENS.finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BrandInputError(f"nested more than {MAX_DEPTH} levels deep", file=relpath, line=line)
        elif token in "]}":
            depth -= 1


def yaml_node_ok(root: yaml.Node | None, relpath: str) -> None:
    """Walk the composed YAML graph with aliases expanded, without recursion: refuse depth over MAX_DEPTH
    and more than MAX_YAML_NODES nodes (a billion-laughs file stops after 100,000, in milliseconds)."""
    if root is None:
        return
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        line = node.start_mark.line + 1
        if seen > MAX_YAML_NODES:
            raise BrandInputError(f"expands to more than {MAX_YAML_NODES:,} values (aliases repeating "
                                  "aliases?); refusing", file=relpath, line=line)
        if depth > MAX_DEPTH:
            raise BrandInputError(f"nested more than {MAX_DEPTH} levels deep", file=relpath, line=line)
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append((key, depth + 1))
                stack.append((value, depth + 1))


def _walk(data: Any) -> Iterator[tuple[str, Any, int]]:
    """(dotted path, value, depth) for every value, iteratively."""
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        path, value, depth = stack.pop()
        yield path, value, depth
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}" if path else str(key), child, depth + 1) for key, child in value.items())
        elif isinstance(value, list):
            stack.extend((f"{path}.{i}" if path else str(i), child, depth + 1) for i, child in enumerate(value))


def data_ok(data: Any, relpath: str) -> None:
    """Parsed form data: depth and the length of each text value (named by its dotted field)."""
    for path, value, depth in _walk(data):
        if depth > MAX_DEPTH:
            raise BrandInputError(f"nested more than {MAX_DEPTH} levels deep", file=relpath,
                                  field=_short(path))
        if isinstance(value, str) and len(value) > MAX_FIELD_CHARS:
            raise BrandInputError(f"{len(value):,} characters, over the {MAX_FIELD_CHARS:,} a field may hold",
                                  file=relpath, field=_short(path))


def dotted_ok(field: str, relpath: str, line: int) -> None:
    parts = field.count(".") + 1
    if parts > MAX_DEPTH:
        raise BrandInputError(f"field nested {parts} levels deep, over {MAX_DEPTH}", file=relpath, line=line,
                              field=_short(field))


def cell_ok(value: str, relpath: str, line: int, field: str | None = None) -> None:
    if len(value) > MAX_FIELD_CHARS:
        raise BrandInputError(f"{len(value):,} characters, over the {MAX_FIELD_CHARS:,} a cell may hold",
                              file=relpath, line=line, field=_short(field) if field else None)


def _short(path: str, limit: int = 60) -> str:
    return path if len(path) <= limit else path[:limit] + "…"
