"""Reading pack files: one error naming file, line and problem; a refused user pack keeps its last good version.

Default packs ship in ``adloom/data/packs``; a project's own packs live in ``<project>/packs/*.yaml`` and
replace a default pack with the same id. Each user pack that loads is copied to
``<project>/.adloom/packs-last-good/``; when a later edit breaks it, that copy stays in force (or, with no
copy, the default pack of that id) and the problem is reported instead of raised.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from adloom.errors import PolicyViolation
from adloom.governance.packs.schema import Pack
from adloom.governance.packs.yamlsrc import YamlError, line_of, load

__all__ = ["LAST_GOOD_DIR", "PackProblem", "default_pack_files", "load_pack_file", "load_pack_text",
           "load_user_packs"]

LAST_GOOD_DIR = Path(".adloom") / "packs-last-good"
MAX_PACK_BYTES = 5_000_000


@dataclass(frozen=True)
class PackProblem:
    """A user pack that was refused, and what is in force instead."""

    error: PolicyViolation
    fallback: str           # "last good version general@3", "default pack general@2026.11", "nothing"

    def __str__(self) -> str:
        return f"{self.error} (pack refused; in force: {self.fallback})"


def _pydantic_problem(exc: ValidationError) -> tuple[str, tuple[int | str, ...]]:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        return f"unknown field '{loc[-1]}'", loc
    message = err["msg"].removeprefix("Value error, ")
    return (f"{where}: {message}" if where else message), loc


def load_pack_text(text: str, file: str) -> Pack:
    """Parse and validate one pack; raise ``PolicyViolation`` with file and line on the first problem."""
    try:
        data, root = load(text)
    except YamlError as exc:
        raise PolicyViolation(exc.message, file=file, line=exc.line) from None
    if not isinstance(data, dict):
        raise PolicyViolation("a pack is a mapping with id, version and rules", file=file, line=1)
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        message, loc = _pydantic_problem(exc)
        raise PolicyViolation(message, file=file, line=line_of(root, loc)) from None
    seen: set[str] = set()
    for index, rule in enumerate(pack.rules):
        if rule.id in seen:
            raise PolicyViolation(f"duplicate rule id '{rule.id}'", file=file,
                                  line=line_of(root, ("rules", index, "id")))
        seen.add(rule.id)
        if rule.checked is None:
            raise PolicyViolation(f"rule '{rule.id}' needs 'checked' (the date its source was checked)",
                                  file=file, line=line_of(root, ("rules", index)))
    return pack


def load_pack_file(path: Path) -> Pack:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyViolation(f"cannot read pack: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_PACK_BYTES:
        raise PolicyViolation(f"pack is larger than {MAX_PACK_BYTES} bytes", file=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyViolation(f"pack is not UTF-8 (byte {exc.start})", file=str(path)) from None
    return load_pack_text(text, str(path))


def default_pack_files() -> list[Path]:
    root = resources.files("adloom") / "data" / "packs"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


def _remember(project: Path, path: Path) -> None:
    target_dir = project / LAST_GOOD_DIR
    target = target_dir / path.name
    data = path.read_bytes()
    if target.exists() and target.read_bytes() == data:
        return
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)


def load_user_packs(project: Path, *, strict: bool = False) -> tuple[list[Pack], list[PackProblem]]:
    """Packs in ``<project>/packs/*.yaml``; with ``strict`` the first bad pack raises instead."""
    packs: list[Pack] = []
    problems: list[PackProblem] = []
    by_id: dict[str, Path] = {}
    for path in sorted((project / "packs").glob("*.yaml")):
        try:
            pack = load_pack_file(path)
            if pack.id in by_id:
                raise PolicyViolation(f"pack id '{pack.id}' is also defined in {by_id[pack.id].name}",
                                      file=str(path), line=1)
        except PolicyViolation as exc:
            if strict:
                raise
            last_good = project / LAST_GOOD_DIR / path.name
            fallback = "the default pack, if any"
            if last_good.exists():
                try:
                    pack = load_pack_file(last_good)
                except PolicyViolation:
                    pass
                else:
                    if pack.id not in by_id:
                        packs.append(pack)
                        by_id[pack.id] = path
                        fallback = f"last good version {pack.ref}"
            problems.append(PackProblem(exc, fallback))
            continue
        by_id[pack.id] = path
        packs.append(pack)
        _remember(project, path)
    return packs, problems
