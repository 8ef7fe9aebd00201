"""``adloom check``: findings and a route for copy that already exists (a string, a column, a Meta bulk file).

The logic lives in ``adloom.governance.textcheck.check_text``; this module reads input, prints, and exits.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import typer
from rich.markup import escape
from rich.text import Text

from adloom.brand.yamlio import load_brand
from adloom.cli.common import cli_errors, console, err_console, store_for
from adloom.cli.evalreport import semantic_scores
from adloom.cli.text_columns import named_column, text_columns
from adloom.errors import ConfigError, InputError
from adloom.governance.packs import PackSet, load_packs
from adloom.governance.packs.schema import SEVERITY_RANK
from adloom.governance.semantic import SemanticLayer, SemanticScore, load_semantic_or_warn
from adloom.governance.textcheck import MAX_TEXT_CHARS, TextCheck, check_text
from adloom.governance.verticals import checked_vertical
from adloom.ingest.limits import MAX_FIELD_CHARS
from adloom.settings import Settings
from adloom.writers.judge import PolicyJudgeTask, judge_many

__all__ = ["check"]

MAX_FILE_BYTES = 50_000_000
MAX_ROWS = 100_000
MAX_CELL_CHARS = MAX_FIELD_CHARS
STYLE = {"block": "bold white on red", "review": "black on yellow", "warn": "underline"}


@dataclass(frozen=True)
class Item:
    source: str                 # "argument", "row 3", "row 3 Body"
    text: str
    platform: str | None
    country: str | None
    age_min: int | None
    limit_field: str | None = None


def _decode(raw: bytes, path: Path) -> str:
    # Ads Manager exports are often UTF-16 with tabs
    encoding = "utf-16" if raw.startswith((b"\xff\xfe", b"\xfe\xff")) else "utf-8-sig"
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"file is not {encoding.removesuffix('-sig').upper()} (byte {exc.start}); "
                         "save it as UTF-8", file=str(path)) from None


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from None
    if len(raw) > MAX_FILE_BYTES:
        raise InputError(f"file is larger than {MAX_FILE_BYTES:,} bytes", file=str(path))
    # a bare CR (old Mac line ends) made the csv module raise from inside DictReader: newlines are one kind
    text = _decode(raw, path).replace("\r\n", "\n").replace("\r", "\n")
    first = text.split("\n", 1)[0]
    reader = csv.DictReader(io.StringIO(text), delimiter="\t" if first.count("\t") > first.count(",") else ",")
    rows = []
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        if not header:
            raise InputError("file is empty", file=str(path))
        for row in reader:
            rows.append({(k or "").strip(): (v or "") for k, v in row.items() if isinstance(v, str)})
            _check_cells(rows[-1], path, reader.line_num)
            if len(rows) > MAX_ROWS:
                raise InputError(f"file has more than {MAX_ROWS:,} rows; split it", file=str(path))
    except csv.Error as exc:
        reason = (f"a cell holds more than {csv.field_size_limit():,} characters" if "field limit" in str(exc)
                  else f"malformed CSV: {exc}")
        raise InputError(reason, file=str(path), line=reader.line_num + 1) from None
    return header, rows


def _check_cells(row: dict[str, str], path: Path, line: int) -> None:
    for column, value in row.items():
        if len(value) > MAX_CELL_CHARS:
            raise InputError(f"{len(value):,} characters, over the {MAX_CELL_CHARS:,} a cell may hold",
                             file=str(path), line=line, field=column)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value and value.strip() else None
    except ValueError:
        return None


def _file_items(path: Path, column: str | None, platform: str | None, country: str | None,
                age_min: int | None) -> list[Item]:
    header, rows = _rows(path)
    if column is not None and column not in header:
        raise InputError(f"no column '{column}' (columns: {', '.join(header)})", file=str(path), line=1)
    columns = [named_column(column, platform)] if column is not None else text_columns(header, platform)
    if not columns:
        raise InputError(f"which column holds the ad text? pass --column (columns: {', '.join(header)})",
                         file=str(path), line=1)
    items = []
    for n, row in enumerate(rows, start=2):
        # a bulk file's own targeting, unless the command line names it
        codes = (row.get("Countries") or "").replace(",", " ").split()
        row_country = country or (codes[0] if codes else None)
        row_age = age_min if age_min is not None else _int(row.get("Age Min"))
        for col in columns:
            if row.get(col.name, "").strip():
                source = f"row {n} {col.name}" if len(columns) > 1 or col.field else f"row {n}"
                items.append(Item(source, row[col.name], col.platform, row_country, row_age, col.field))
    return items


def _print(item: Item, result: TextCheck) -> None:
    title = Text.assemble((f"{item.source}", "bold"), f" ({result.field}) -> ",
                          (result.route, "bold red" if result.route == "reject" else
                           "bold yellow" if result.route == "review" else "bold green"))
    console.print(title)
    body = Text(result.text)            # Text, not markup: untrusted copy is never interpreted
    for f in sorted(result.findings, key=lambda f: SEVERITY_RANK[f.severity]):
        if f.span and f.field == result.field and f.span[1] <= len(result.text):
            body.stylize(STYLE[f.severity], *f.span)
    console.print(Text("  ") + body)
    for note in result.notes:
        console.print(f"  [dim]note: {escape(note)}[/]")
    for f in result.findings:
        console.print(Text.assemble("  ", (f"{f.severity:<6}", STYLE[f.severity]), f" {f.rule_id}  ",
                                    repr(f.excerpt[:80]), f"  {f.pack}\n", ("    fix: ", "dim"), f.fix_hint))


def _score_json(score: SemanticScore) -> dict[str, object]:
    return {"category": score.label, "probability": score.probability, "threshold": score.threshold,
            "raises": score.raises, "uncertain": score.uncertain, "sentence": score.sentence, "span": score.span}


def _as_json(item: Item, result: TextCheck) -> dict[str, object]:
    return {"source": item.source, "field": result.field, "route": result.route,
            "truncated_from": result.truncated_from, "notes": result.notes,
            "findings": [f.model_dump(mode="json") for f in result.findings],
            "semantic": [_score_json(s) for s in result.semantic]}


class _Warnings:
    """Prints warnings to stderr and keeps them, so JSON output carries them too."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def print(self, *objects: object, **kwargs: object) -> None:
        err_console.print(*objects, **kwargs)  # type: ignore[arg-type]
        self.lines.append(Text.from_markup(" ".join(str(o) for o in objects)).plain)


def _semantic(layer: SemanticLayer | None, items: list[Item]) -> dict[str, list[SemanticScore]]:
    # one batched pass over the distinct texts, cut where check_text cuts them so spans stay inside
    return semantic_scores(layer, [i.text[:MAX_TEXT_CHARS] for i in items]) if layer is not None else {}


def _packs(project: Path | None, brand: Path | None) -> PackSet:
    packs = load_packs(project, load_brand(brand) if brand else None)
    for problem in packs.problems:
        err_console.print(f"[bold yellow]warning:[/] {escape(str(problem))}", highlight=False, soft_wrap=True)
    return packs


def _second_opinions(results: list[tuple[Item, TextCheck]], spec: str, project: Path | None,
                     ) -> list[tuple[Item, TextCheck]]:
    """Ask the verify writer about every category in its uncertain band; a judged violation adds a review
    finding. Calls are recorded (and cached) in the project's store, the current folder's by default."""
    from adloom.pipeline.calls import layered  # the store and the SDKs load only when a model is asked
    from adloom.writers.registry import get_writer

    asks: list[tuple[int, PolicyJudgeTask, str]] = []
    for n, (_item, result) in enumerate(results):
        raised = {s.label for s in result.semantic if s.raises}
        asks += [(n, PolicyJudgeTask(text=result.text, category=s.label, probability=s.probability), result.field)
                 for s in result.semantic if s.uncertain and s.label not in raised]
    if not asks:
        return results
    settings = Settings()
    writer = layered(get_writer(spec, **settings.writer_options(spec)),
                     factory=store_for(project or Path("."), settings), retries=2)
    judged = asyncio.run(judge_many([(task, field) for _n, task, field in asks], writer,
                                    timeout=settings.writer_timeout))
    out = list(results)
    for (n, _task, _field), verdict in zip(asks, judged, strict=True):
        item, result = out[n]
        findings = result.findings + ([verdict.finding] if verdict.finding else [])
        route = "review" if verdict.finding and result.route == "approve" else result.route
        out[n] = (item, replace(result, findings=findings, route=route, notes=[*result.notes, verdict.note]))
    return out


@cli_errors
def check(
    text: str | None = typer.Argument(None, help="Ad text to check (or use --file)."),
    file: Path | None = typer.Option(None, "--file", "-f", help="CSV of ad texts, or a Meta bulk import file."),
    column: str | None = typer.Option(None, "--column", help="Column holding the text (default: detected)."),
    platform: str | None = typer.Option(None, "--platform", help="meta, google or tiktok."),
    country: str | None = typer.Option(None, "--country", help="ISO country code the ad runs in, e.g. DE."),
    age_min: int | None = typer.Option(None, "--age-min", help="Youngest audience age."),
    vertical: str | None = typer.Option(None, "--vertical", help="e.g. weight_loss, alcohol, finance "
                                        "(an unknown one is an error that lists the known)."),
    project: Path | None = typer.Option(None, "--project", "-p", help="Project folder with packs/ (user packs)."),
    brand: Path | None = typer.Option(None, "--brand", help="brand.yaml whose avoid list and competitors apply."),
    output: Literal["text", "json"] = typer.Option("text", "--format", help="text or json."),
    fail_on: Literal["none", "review", "block"] = typer.Option(
        "none", "--fail-on", help="Exit 1 when a finding is at least this severe."),
    semantic: bool = typer.Option(True, "--semantic/--no-semantic",
                                  help="Also run the semantic classifier (raises to review, never blocks)."),
) -> None:
    """Print findings with highlighted spans and a route for existing ad copy."""
    if (text is None) == (file is None):
        raise ConfigError("give either TEXT or --file, not both and not neither")
    packs = _packs(project, brand)
    vertical = checked_vertical(vertical, packs)
    items = (_file_items(file, column, platform, country, age_min) if file is not None
             else [Item("argument", text or "", platform, country, age_min)])
    if not items:
        raise InputError("no ad text found in the file", file=str(file))
    warnings = _Warnings()
    layer = load_semantic_or_warn(warnings) if semantic else None
    scores = _semantic(layer, items)
    results = [(item, check_text(item.text, platform=item.platform, country=item.country, age_min=item.age_min,
                                 vertical=vertical, packs=packs, limit_field=item.limit_field,
                                 semantic_scores=scores.get(item.text[:MAX_TEXT_CHARS], [])))
               for item in items]
    verify = Settings().verify_writer if layer is not None else None
    if verify:
        results = _second_opinions(results, verify, project)
    if output == "json":
        typer.echo(json.dumps({"packs": packs.version, "engine": packs.matcher.engine_name,
                               "semantic": layer.version if layer is not None else None,
                               "warnings": warnings.lines,
                               "results": [_as_json(i, r) for i, r in results]}, indent=2, ensure_ascii=False))
    else:
        for item, result in results:
            _print(item, result)
    if fail_on != "none" and any(SEVERITY_RANK[f.severity] >= SEVERITY_RANK[fail_on]
                                 for _i, r in results for f in r.findings):
        raise typer.Exit(1)
