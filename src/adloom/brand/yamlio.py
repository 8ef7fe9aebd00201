"""brand.yaml on disk: load with errors a person can act on, save atomically in a readable order."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from adloom import yamlutil
from adloom.errors import BrandObjectError
from adloom.types import BrandObject

__all__ = ["HEADER", "dump_brand", "load_brand", "save_brand"]

HEADER = """\
# brand.yaml: the brand object adloom extracted from this folder. It is yours to edit.
#
# Versions: adloom names every version by a hash of this content, and every concept, verdict and asset
# records the version it came from, so any edit here makes a new version for the next run.
# When the folder's sources change, adloom re-extracts this file only if you have not edited it since
# adloom wrote it; otherwise your edits are kept and `adloom brand extract DIR --force` re-extracts
# (claim approvals carry over by claim id).
# Claims: copy may only state numbers, superlatives or health effects backed by an approved claim.
# Approve a candidate with `adloom brand approve-claim DIR CLAIM_ID --by NAME`.
"""


class _Dumper(yaml.SafeDumper):
    """Block style, multi-line strings as literal blocks, lists indented under their key."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def dump_brand(brand: BrandObject) -> str:
    """The YAML body (no header): fields in model order, which reads top-down from identity to details."""
    return yaml.dump(brand.model_dump(mode="json"), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=110, default_flow_style=False)


def save_brand(brand: BrandObject, path: Path) -> str:
    """Write atomically (a reader never sees half a file); returns the SHA-256 of the bytes written."""
    data = (HEADER + "\n" + dump_brand(brand)).encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return hashlib.sha256(data).hexdigest()


def load_brand(path: Path) -> BrandObject:
    """Parse and validate; errors name the file and the line (YAML) or the field path (schema)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BrandObjectError("brand.yaml not found; run `adloom brand extract DIR` to create it",
                               file=str(path)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BrandObjectError(f"cannot read: {exc}", file=str(path)) from exc
    try:
        data = yamlutil.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise BrandObjectError(f"invalid YAML: {problem}", file=str(path),
                               line=mark.line + 1 if mark is not None else None) from exc
    if not isinstance(data, dict):
        raise BrandObjectError("expected a mapping of brand fields at the top level", file=str(path), line=1)
    try:
        return BrandObject.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = [p for p in err["loc"] if p != "__root__"]
        raise BrandObjectError(err["msg"], file=str(path), line=_line_of(text, loc),
                               field=_field_path(loc)) from exc


def _field_path(loc: list[Any]) -> str:
    """('segments', 0, 'age_min') -> 'segments[0].age_min'."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _line_of(text: str, loc: list[Any]) -> int | None:
    """The 1-based line of the deepest node on ``loc`` that exists, so a reader can jump to it."""
    try:
        node: yaml.Node | None = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line
