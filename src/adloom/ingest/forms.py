"""The onboarding form: YAML, JSON or a two-column ``field,value`` CSV, read into one nested dict."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import PurePosixPath
from typing import Any

from adloom.errors import BrandInputError
from adloom.ingest.decode import decode_utf8
from adloom.ingest.form_checks import check_form
from adloom.ingest.limits import cell_ok, check_size, data_ok, dotted_ok
from adloom.ingest.result import IngestResult, make_document
from adloom.ingest.structured import load_json, load_yaml, render_fields
from adloom.types import Provenance

FORM_SUFFIXES = (".yaml", ".yml", ".json", ".csv")
LIST_SEPARATOR = " | "
# Fields the brand-folder spec defines as lists: a single CSV value still means a one-item list.
LIST_FIELDS = frozenset({"voice.descriptors", "voice.do", "voice.dont", "avoid", "competitors",
                         "cta_vocabulary", "required_disclosures"})
_FIELD = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*")
_LEADING_FIELD = re.compile(r'^"?[A-Za-z_][A-Za-z0-9_.\-]*"?[ ]*([,;\t])')


def read_form(raw: bytes, relpath: str) -> IngestResult:
    """One ``form`` Document whose ``data`` is the nested form; any problem raises BrandInputError."""
    check_size(raw, relpath)
    text = decode_utf8(raw, relpath)
    suffix = PurePosixPath(relpath).suffix.lower()
    if suffix == ".csv":
        data: Any = parse_csv_form(text, relpath)
    elif suffix == ".json":
        data = load_json(text, relpath)
    else:
        data, _ = load_yaml(text, relpath)
    if not isinstance(data, dict):
        raise BrandInputError("the onboarding form must be a mapping of field names to values", file=relpath)
    brand_name = data.get("brand_name")
    check_form(data, relpath)
    if not isinstance(brand_name, str) or not brand_name.strip():
        raise BrandInputError("the onboarding form needs a brand_name", file=relpath, field="brand_name")
    document = make_document("form", "\n".join(render_fields(data)), Provenance(file=relpath),
                             title=f"Onboarding form: {brand_name}", data=data)
    return IngestResult.of([document])


def parse_csv_form(text: str, relpath: str) -> dict[str, Any]:
    """Rows of ``field,value``: dotted fields nest, numeric parts index lists, `` | `` separates items."""
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(text), strict=True)
    tree: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    next_start = 1      # a quoted value may span lines, so errors name the line where a record starts
    try:
        for row in reader:
            line, next_start = next_start, reader.line_num + 1
            cells = [cell.strip() for cell in row]
            while cells and not cells[-1]:
                cells.pop()     # spreadsheets pad rows with empty columns
            if not cells or cells[0].startswith("#"):
                continue
            if [cell.lower() for cell in cells] == ["field", "value"]:
                continue
            if len(cells) != 2 and not (len(cells) == 1 and _FIELD.fullmatch(cells[0])):
                raise BrandInputError(f"expected two columns (field, value), found {len(cells)}",
                                      file=relpath, line=line)
            field, value = cells[0], cells[1] if len(cells) == 2 else ""
            if not _FIELD.fullmatch(field):
                raise BrandInputError(f"'{field}' is not a field name (use dotted paths like "
                                      "voice.descriptors)", file=relpath, line=line)
            if field in first_line:
                raise BrandInputError(f"field given twice (first on line {first_line[field]})",
                                      file=relpath, line=line, field=field)
            first_line[field] = line
            dotted_ok(field, relpath, line)
            cell_ok(value, relpath, line, field)
            _set_path(tree, field, _csv_value(field, value), relpath, line)
    except csv.Error as exc:
        reason = (f"a cell holds more than {csv.field_size_limit():,} characters" if "field limit" in str(exc)
                  else f"malformed CSV: {exc}")
        raise BrandInputError(reason, file=relpath, line=next_start) from exc
    result: dict[str, Any] = _lists_from_indexes(tree)
    data_ok(result, relpath)
    return result


def sniff_delimiter(text: str) -> str:
    """The character after the leading field name of the rows (field names never contain ``,;`` or tab)."""
    votes = Counter(match.group(1) for line in text.split("\n")[:50]
                    if (match := _LEADING_FIELD.match(line)))
    if votes:
        return votes.most_common(1)[0][0]
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _csv_value(field: str, value: str) -> str | list[str]:
    if LIST_SEPARATOR in value or field in LIST_FIELDS:
        return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]
    return value


def _set_path(tree: dict[str, Any], field: str, value: Any, relpath: str, line: int) -> None:
    *parents, leaf = field.split(".")
    node = tree
    for depth, part in enumerate(parents):
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise BrandInputError(f"conflicts with field '{'.'.join(parents[:depth + 1])}' set earlier",
                                  file=relpath, line=line, field=field)
        node = child
    if leaf in node:
        raise BrandInputError("conflicts with a nested field set earlier", file=relpath, line=line,
                              field=field)
    node[leaf] = value


def _lists_from_indexes(node: Any) -> Any:
    """``claims.0.statement`` builds {"claims": {"0": …}}; turn all-numeric keys into an ordered list."""
    if not isinstance(node, dict):
        return node
    converted = {key: _lists_from_indexes(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
