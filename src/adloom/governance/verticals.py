"""The verticals governance knows: a vertical it does not know would silently switch every vertical rule off.

Known means named by the data something keys off: the contextual policies' ``vertical_categories`` table
(package data, so one edit there updates this list) and the scopes of the rule packs in force, plus
``general`` for everything else.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from adloom.errors import ConfigError
from adloom.governance.packs import PackSet

GENERAL = "general"


@cache
def _policy_verticals() -> frozenset[str]:
    data = json.loads(resources.files("adloom").joinpath("data/policies/data.json").read_text("utf-8"))
    return frozenset(data.get("tables", {}).get("vertical_categories", {}))


def known_verticals(packs: PackSet | None = None) -> list[str]:
    names = {GENERAL, *_policy_verticals()}
    for _pack, rule in packs.rules if packs is not None else ():
        names.update(rule.scope.verticals)
        for override in rule.overrides:
            names.update(override.verticals)
    return sorted(names)


def checked_vertical(value: str | None, packs: PackSet | None = None, *, where: str = "--vertical",
                     file: str | None = None) -> str | None:
    """``value`` itself when governance knows it (or none was given); else a ConfigError listing the known."""
    if value is None:
        return None
    known = known_verticals(packs)
    if value not in known:
        raise ConfigError(f"unknown vertical {value!r}; known verticals: {', '.join(known)} "
                          f"(use {GENERAL!r} when none fits)", field=where, file=file)
    return value
