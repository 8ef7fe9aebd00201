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
from dataclasses import replace
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
           "default_packs", "hit_finding", "lexical_check", "load_pack_file", "load_pack_text", "load_packs",
           "with_brand_pack"]

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
    loaded = PackSet(tuple(packs.values()), tuple(problems), origins, engine, cache_dir or shared_matcher_cache())
    return with_brand_pack(loaded, brand)


def with_brand_pack(packs: PackSet, brand: BrandObject | None) -> PackSet:
    """``packs`` (read by ``load_packs`` without a brand) with ``brand``'s own pack in force: the same set
    ``load_packs(project_dir, brand)`` gives, without reading the pack files again (``adloom run`` reads
    them once, before the brand exists, and its driver adds the brand's pack; parsing them twice was
    ~0.1 s CPU of every cold run, issue 17)."""
    by_id = {pack.id: pack for pack in packs.packs}
    origins = dict(packs.origins)
    derived = brand_pack(brand) if brand is not None else None
    if derived is not None and brand is not None:
        by_id[derived.id], origins[derived.id] = derived, f"brand:{brand.slug}"
    _unique_rule_ids(by_id, origins)        # over the set in force, the brand's pack included
    if derived is None:
        return packs
    return replace(packs, packs=tuple(by_id.values()), origins=origins)


def _unique_rule_ids(packs: dict[str, Pack], origins: dict[str, str]) -> None:
    owner: dict[str, str] = {}
    for pack in packs.values():
        for rule in pack.rules:
            if rule.id in owner:
                raise PackError(f"rule id '{rule.id}' is defined in packs '{owner[rule.id]}' and "
                                      f"'{pack.id}'", file=origins[pack.id])
            owner[rule.id] = pack.id

