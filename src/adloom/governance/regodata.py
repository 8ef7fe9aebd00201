"""The policy data tables: their schema, and where in a JSON file a bad value sits.

Rego compares values of any type without complaint ("18" < 21 is simply true in Rego's ordering), so a
wrong type in a table would silently change decisions. Tables are therefore validated here, before a bundle
is accepted, and a bad value is reported as file:line with the problem.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

__all__ = ["TableError", "Tables", "json_lines", "validate_tables"]

Path_ = tuple[str | int, ...]


class _Row(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class AgeGate(_Row):
    category: str
    platform: str
    country: str
    min_age: int = Field(ge=0, le=99)


class CountryBan(_Row):
    category: str
    platform: str
    countries: list[str]


class PriorPermission(_Row):
    category: str
    platform: str
    countries: list[str]


class Political(_Row):
    banned_platforms: list[str]
    authorisation_required: list[str]
    disclaimers: list[str]


class StrictSubstantiation(_Row):
    countries: list[str]
    kinds: list[str]


class Tables(_Row):
    restricted_categories: list[str]
    vertical_categories: dict[str, list[str]]
    category_terms: dict[str, list[str]]
    # phrases that hold a category term but are not that category ("vote for your favourite flavour")
    category_exceptions: dict[str, list[str]] = Field(default_factory=dict)
    age_gates: list[AgeGate]
    country_bans: list[CountryBan]
    prior_permission: list[PriorPermission]
    political: Political
    strict_substantiation: StrictSubstantiation


class TableError(ValueError):
    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


def json_lines(text: str) -> dict[Path_, int]:
    """1-based line of every value in a JSON document, keyed by its path (("tables", "age_gates", 3, "min_age"))."""
    decoder = json.JSONDecoder()
    lines: dict[Path_, int] = {}

    def ws(i: int) -> int:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        return i

    def value(i: int, path: Path_) -> int:
        i = ws(i)
        lines[path] = text.count("\n", 0, i) + 1
        if text[i] == "{":
            i = ws(i + 1)
            while text[i] != "}":
                key, i = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
                i = value(ws(i) + 1, (*path, key))          # skip the ':'
                i = ws(i)
                i = ws(i + 1) if text[i] == "," else i
            return i + 1
        if text[i] == "[":
            i, n = ws(i + 1), 0
            while text[i] != "]":
                i = ws(value(i, (*path, n)))
                i, n = (ws(i + 1) if text[i] == "," else i), n + 1
            return i + 1
        _obj, end = decoder.raw_decode(text, i)
        return int(end)

    value(0, ())
    return lines


def validate_tables(text: str) -> dict[str, Any]:
    """Parse and check a data file; ``TableError`` carries the line and the problem of the first bad value."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TableError(exc.lineno, f"not valid JSON: {exc.msg}") from exc
    if not isinstance(doc, dict):
        raise TableError(1, "a data file must hold a JSON object")
    if "tables" in doc:
        try:
            Tables.model_validate(doc["tables"])
        except ValidationError as exc:
            err = exc.errors()[0]
            loc: Path_ = ("tables", *err["loc"])
            lines = json_lines(text)
            # a missing key has no line of its own: point at its parent
            while loc and loc not in lines:
                loc = loc[:-1]
            where = ".".join(str(p) for p in ("tables", *err["loc"]))
            raise TableError(lines.get(loc), f"{where}: {err['msg']}") from exc
    return doc
