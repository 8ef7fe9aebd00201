"""Reading pack files: one error naming file, line and problem; a refused user pack keeps its last good version.

Default packs ship in ``adloom/data/packs``; a project's own packs live in ``<project>/packs/*.yaml`` and
replace a default pack with the same id. Each user pack that loads is kept, by pack id, in
``<project>/.adloom/packs-last-good/<id>.yaml``. When a later edit breaks it, that copy stays in force and
the problem is reported (``PackSet.problems``: the run prints it and records it in its summary). A broken
pack with no last good version stops whatever loads it with ``PackError`` (file, line, problem; exit 2):
silently dropping a house rule would let the words it forbids through.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from adloom.errors import PackError, PolicyViolation
from adloom.governance.packs.schema import Pack
from adloom.governance.packs.yamlsrc import YamlError, line_of, load
from adloom.types import IngestWarning

__all__ = ["LAST_GOOD_DIR", "PackError", "PackProblem", "default_pack_files", "load_pack_file", "load_pack_text",
           "load_user_packs"]

LAST_GOOD_DIR = Path(".adloom") / "packs-last-good"
MAX_PACK_BYTES = 5_000_000


@dataclass(frozen=True)
class PackProblem:
    """A user pack that was refused, and what is in force instead."""

    error: PolicyViolation
    fallback: str           # "last good version custom@3"

    def __str__(self) -> str:
        return f"{self.error} (pack refused; in force: {self.fallback})"

    @property
    def message(self) -> str:
        """The problem without its place, for a warning that names file and line itself."""
        return f"{self.error.message} (pack refused; in force: {self.fallback})"

    def warning(self) -> IngestWarning:
        """As a run summary's warning: printed by ``adloom run`` and listed in the report."""
        return IngestWarning(file=self.error.file or "packs", line=self.error.line, message=self.message)


def _pydantic_problem(exc: ValidationError) -> tuple[str, tuple[int | str, ...]]:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    where = ".".join(str(p) for p in loc)
    if err["type"] == "extra_forbidden":
        return f"unknown field '{loc[-1]}'", loc
    message = err["msg"].removeprefix("Value error, ")
    return (f"{where}: {message}" if where else message), loc


def load_pack_text(text: str, file: str) -> Pack:
    """Parse and validate one pack; raise ``PackError`` with file and line on the first problem."""
    try:
        data, root = load(text)
    except YamlError as exc:
        raise PackError(exc.message, file=file, line=exc.line) from None
    if not isinstance(data, dict):
        raise PackError("a pack is a mapping with id, version and rules", file=file, line=1)
    try:
        pack = Pack.model_validate(data)
    except ValidationError as exc:
        message, loc = _pydantic_problem(exc)
        raise PackError(message, file=file, line=line_of(root, loc)) from None
    seen: set[str] = set()
    for index, rule in enumerate(pack.rules):
        if rule.id in seen:
            raise PackError(f"duplicate rule id '{rule.id}'", file=file,
                                  line=line_of(root, ("rules", index, "id")))
        seen.add(rule.id)
        if rule.checked is None:
            raise PackError(f"rule '{rule.id}' needs 'checked' (the date its source was checked)",
                                  file=file, line=line_of(root, ("rules", index)))
    return pack


def load_pack_file(path: Path) -> Pack:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(f"cannot read pack: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_PACK_BYTES:
        raise PackError(f"pack is larger than {MAX_PACK_BYTES} bytes", file=str(path))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(f"pack is not UTF-8 (byte {exc.start})", file=str(path)) from None
    return load_pack_text(text, str(path))


def default_pack_files() -> list[Path]:
    root = resources.files("adloom") / "data" / "packs"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))


_ID_LINE = re.compile(r"^id:\s*[\"']?([a-z0-9_]+(?:\.[a-z0-9_]+)*)", re.M)
_INDEX = "index.json"       # file name -> pack id, for a file so broken its id cannot be read


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, target)


def _index(project: Path) -> dict[str, str]:
    try:
        data = json.loads((project / LAST_GOOD_DIR / _INDEX).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _remember(project: Path, path: Path, pack_id: str) -> None:
    """Keep this good version as the one in force should a later edit of the pack break it."""
    target = project / LAST_GOOD_DIR / f"{pack_id}.yaml"
    data = path.read_bytes()
    if not (target.exists() and target.read_bytes() == data):
        _write_atomic(target, data)
    index = _index(project)
    if index.get(path.name) != pack_id:
        index[path.name] = pack_id
        _write_atomic(project / LAST_GOOD_DIR / _INDEX, json.dumps(index, indent=1, sort_keys=True).encode())


def _last_good(project: Path, path: Path) -> Pack | None:
    """The last version of the pack in ``path`` that loaded: found by its id (from the index, else read
    from the broken file's ``id:`` line, else the file name of an older adloom's copy)."""
    try:
        raw = path.read_text("utf-8", errors="replace")
    except OSError:
        raw = ""
    found = _ID_LINE.search(raw)
    names = [_index(project).get(path.name), found.group(1) if found else None]
    candidates = [f"{n}.yaml" for n in names if n] + [path.name]
    for name in dict.fromkeys(candidates):
        copy = project / LAST_GOOD_DIR / name
        if copy.is_file():
            try:
                return load_pack_file(copy)
            except PolicyViolation:
                continue
    return None


def load_user_packs(project: Path, *, strict: bool = False) -> tuple[list[Pack], list[PackProblem]]:
    """Packs in ``<project>/packs/*.yaml``. A broken one is replaced by its last good version and reported;
    with no last good version (or with ``strict``) it raises ``PackError``."""
    packs: list[Pack] = []
    problems: list[PackProblem] = []
    by_id: dict[str, Path] = {}
    for path in sorted((project / "packs").glob("*.yaml")):
        try:
            pack = load_pack_file(path)
            if pack.id in by_id:
                raise PackError(f"pack id '{pack.id}' is also defined in {by_id[pack.id].name}",
                                file=str(path), line=1)
        except PolicyViolation as exc:
            if strict:
                raise PackError(exc.message, file=exc.file, line=exc.line) from None
            fallback = _last_good(project, path)
            if fallback is None or fallback.id in by_id:
                raise PackError(f"{exc.message} (pack refused, and no earlier good version of it to keep in "
                                "force: fix the file or move it out of packs/)",
                                file=exc.file, line=exc.line) from None
            packs.append(fallback)
            by_id[fallback.id] = path
            problems.append(PackProblem(exc, f"last good version {fallback.ref}"))
            continue
        by_id[pack.id] = path
        packs.append(pack)
        _remember(project, path, pack.id)
    return packs, problems
