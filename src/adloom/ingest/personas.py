"""Persona files: one persona per YAML file, or a list under ``personas:``."""

from __future__ import annotations

import re
from typing import Any

import yaml

from adloom.errors import BrandInputError
from adloom.ingest.decode import decode_utf8
from adloom.ingest.form_checks import check_ages
from adloom.ingest.limits import check_size
from adloom.ingest.result import IngestResult, make_document
from adloom.ingest.structured import load_yaml, node_lines, render_fields
from adloom.types import Document, Provenance

_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TITLED = ("id", "label", "description", "age_min", "age_max")


def read_personas(raw: bytes, relpath: str) -> IngestResult:
    """One Document per persona; ``data`` holds the fields as given. Bad files raise BrandInputError."""
    check_size(raw, relpath)
    data, root = load_yaml(decode_utf8(raw, relpath), relpath)
    if data is None or root is None:
        return IngestResult.warning(relpath, "empty persona file; skipped")
    entries = _entries(data, root, relpath)
    documents: list[Document] = []
    seen: dict[str, int] = {}
    for persona, node in entries:
        line_start, line_end = node_lines(node)
        _validate(persona, relpath, line_start)
        check_ages(persona, relpath, line=line_start)
        persona_id = persona["id"]
        if persona_id in seen:
            raise BrandInputError(f"persona id '{persona_id}' is used twice (first on line "
                                  f"{seen[persona_id]})", file=relpath, line=line_start, field="id")
        seen[persona_id] = line_start
        documents.append(make_document(
            "persona", render_persona(persona),
            Provenance(file=relpath, section=persona_id, line_start=line_start, line_end=line_end),
            title=str(persona["label"]), data=persona))
    if not documents:
        return IngestResult.warning(relpath, "no personas in file; skipped")
    return IngestResult.of(documents)


def _entries(data: Any, root: yaml.Node, relpath: str) -> list[tuple[Any, yaml.Node]]:
    if isinstance(data, dict) and "personas" in data:
        items = data["personas"]
        value_node = next(v for k, v in root.value if k.value == "personas")
        if not isinstance(items, list):
            raise BrandInputError("'personas:' must be a list of personas", file=relpath,
                                  line=value_node.start_mark.line + 1, field="personas")
        return list(zip(items, value_node.value, strict=True))
    if isinstance(data, list):
        return list(zip(data, root.value, strict=True))
    if isinstance(data, dict):
        return [(data, root)]
    raise BrandInputError("expected a persona (a mapping with id and label) or a list under 'personas:'",
                          file=relpath, line=1)


def _validate(persona: Any, relpath: str, line: int) -> None:
    if not isinstance(persona, dict):
        raise BrandInputError("a persona must be a mapping with at least 'id' and 'label'",
                              file=relpath, line=line)
    for field in ("id", "label"):
        value = persona.get(field)
        if not isinstance(value, str) or not value.strip():
            raise BrandInputError(f"persona is missing '{field}'", file=relpath, line=line, field=field)
    if not _SLUG.fullmatch(persona["id"]):
        raise BrandInputError(f"persona id '{persona['id']}' must be a slug of a-z, 0-9 and '-' "
                              "(it is used in ad names), e.g. 'weekend-warriors'",
                              file=relpath, line=line, field="id")


def render_persona(persona: dict[str, Any]) -> str:
    """A readable rendering: name line, description, ages, then every other field."""
    lines = [f"{persona['label']} ({persona['id']})"]
    if persona.get("description"):
        lines.append(str(persona["description"]))
    age_min, age_max = persona.get("age_min"), persona.get("age_max")
    if age_min is not None or age_max is not None:
        low, high = ("?" if age is None else age for age in (age_min, age_max))
        lines.append(f"Age: {low}-{high}")
    rest = {key: value for key, value in persona.items() if key not in _TITLED}
    for line in render_fields(rest):
        path, _, value = line.partition(": ")
        lines.append(f"{path.replace('_', ' ').capitalize()}: {value}")
    return "\n".join(lines)
