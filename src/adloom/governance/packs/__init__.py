"""Rule packs as policy-as-code: YAML files of lexical rules, compiled once into a multi-pattern matcher.

    schema.py     what a pack file holds (pydantic; unknown fields refused)
    yamlsrc.py    YAML with line numbers for errors
    loader.py     default and user pack files, one-line errors, last-good fallback
    brandpack.py  the brand's avoid list and competitors as a pack
    regions.py    country codes and groups in scopes
    packset.py    PackSet: the packs in force, their hash, ``scan``
    check.py      ``lexical_check``: a gate check over a concept's visible text

``load_packs`` is the entry point: default packs, then user packs overriding by id, then the brand pack.
"""

from __future__ import annotations

import os
from pathlib import Path

from adloom.errors import PackError
from adloom.governance.matcher import EngineName
from adloom.governance.packs.brandpack import BRAND_PACK_ID, brand_pack
from adloom.governance.packs.check import CheckFn, hit_finding, lexical_check
from adloom.governance.packs.loader import (
    PackProblem,
    default_pack_files,
    load_pack_file,
    load_pack_text,
    load_user_packs,
)
from adloom.governance.packs.packset import Hit, PackSet
from adloom.governance.packs.schema import Override, Pack, Rule, Scope
from adloom.types import BrandObject

__all__ = ["BRAND_PACK_ID", "CheckFn", "Hit", "Override", "Pack", "PackProblem", "PackSet", "Rule", "Scope",
           "default_packs", "hit_finding", "lexical_check", "load_pack_file", "load_pack_text", "load_packs"]

def shared_matcher_cache() -> Path:
    """Where compiled matchers are kept, for every project of this user: an entry is named by the content hash
    of the rules it was built from, so projects that load the same packs share one compile (the default packs
    took seconds of CPU to compile, paid once per new project and once per test before)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "adloom" / "matcher"


def default_packs() -> list[Pack]:
    return [load_pack_file(path) for path in default_pack_files()]


def load_packs(project_dir: Path | None = None, brand: BrandObject | None = None, *, strict: bool = False,
               engine: EngineName = "auto", cache_dir: Path | None = None) -> PackSet:
    """Default packs, user packs in ``<project_dir>/packs/*.yaml`` replacing them by id, and the brand pack.

    A malformed user pack is refused: its last good version stays in force and the refusal is reported in
    ``PackSet.problems``; with no last good version, or with ``strict``, it raises ``PackError`` (exit 2).
    Compiled matchers are cached on disk under ``cache_dir`` (default ``shared_matcher_cache()``).
    """
    packs: dict[str, Pack] = {}
    origins: dict[str, str] = {}
    for path in default_pack_files():
        pack = load_pack_file(path)
        packs[pack.id], origins[pack.id] = pack, str(path)
    problems: list[PackProblem] = []
    if project_dir is not None:
        user, problems = load_user_packs(project_dir, strict=strict)
        for pack in user:
            packs[pack.id], origins[pack.id] = pack, str(project_dir / "packs")
    if brand is not None:
        derived = brand_pack(brand)
        if derived is not None:
            packs[derived.id], origins[derived.id] = derived, f"brand:{brand.slug}"
    _unique_rule_ids(packs, origins)
    return PackSet(tuple(packs.values()), tuple(problems), origins, engine, cache_dir or shared_matcher_cache())


def _unique_rule_ids(packs: dict[str, Pack], origins: dict[str, str]) -> None:
    owner: dict[str, str] = {}
    for pack in packs.values():
        for rule in pack.rules:
            if rule.id in owner:
                raise PackError(f"rule id '{rule.id}' is defined in packs '{owner[rule.id]}' and "
                                      f"'{pack.id}'", file=origins[pack.id])
            owner[rule.id] = pack.id

