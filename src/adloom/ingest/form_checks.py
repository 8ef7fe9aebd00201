"""Types of the onboarding form's and personas' known fields: a wrong type is refused with file, field and
reason, never coerced or dropped (``claims: 5`` used to make every approved claim vanish from brand.yaml)."""

from __future__ import annotations

from typing import Any

from adloom.errors import BrandInputError

TEXT = ("brand_name", "website", "vertical", "positioning", "tagline", "brand_kit.logo_path")
MAPPINGS = ("voice", "brand_kit", "brand_kit.colors", "brand_kit.fonts")
LISTS_OF_ITEMS = ("products", "claims", "pillars", "offers")     # each item a mapping (or one line of text)
LISTS_OF_TEXT = ("voice.descriptors", "voice.do", "voice.dont", "avoid", "competitors", "cta_vocabulary",
                 "required_disclosures")
_SCALAR = (str, int, float)


def _get(data: dict[str, Any], path: str) -> tuple[bool, Any]:
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def check_form(data: dict[str, Any], relpath: str) -> None:
    def refuse(field: str, reason: str) -> None:
        raise BrandInputError(reason, file=relpath, field=field)

    for path in TEXT:
        found, value = _get(data, path)
        if found and value is not None and not isinstance(value, str):
            refuse(path, f"must be text, got {_kind(value)} ({value!r:.40})")
    for path in MAPPINGS:
        found, value = _get(data, path)
        if found and value is not None and not isinstance(value, dict):
            refuse(path, f"must be a mapping of fields, got {_kind(value)} ({value!r:.40})")
    for path in LISTS_OF_ITEMS:
        found, value = _get(data, path)
        if not found or value is None:
            continue
        if not isinstance(value, list):
            refuse(path, f"must be a list (one '- ' item each), got {_kind(value)} ({value!r:.40})")
        for i, item in enumerate(value):
            if not isinstance(item, dict | str):
                refuse(f"{path}.{i}", f"each item must be a mapping of fields, got {_kind(item)} ({item!r:.40})")
    for path in LISTS_OF_TEXT:
        found, value = _get(data, path)
        if not found or value is None:
            continue
        if not isinstance(value, list):
            refuse(path, f"must be a list of text items, got {_kind(value)} ({value!r:.40})")
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, _SCALAR):
                refuse(f"{path}.{i}", f"each item must be text, got {_kind(item)}")
    check_ages(data, relpath)


def check_ages(data: dict[str, Any], relpath: str, *, line: int | None = None) -> None:
    """age_min / age_max: whole numbers 13-120, min not above max."""
    ages = {}
    for name in ("age_min", "age_max"):
        value = data.get(name)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not 13 <= value <= 120:
            raise BrandInputError(f"must be a whole number of years from 13 to 120, got {value!r:.40}",
                                  file=relpath, line=line, field=name)
        ages[name] = value
    if len(ages) == 2 and ages["age_min"] > ages["age_max"]:
        raise BrandInputError(f"age_min {ages['age_min']} is above age_max {ages['age_max']}",
                              file=relpath, line=line, field="age_min")
