"""`adloom concepts list|show`: what the store holds, per run."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.store import concepts as concept_store
from adloom.store.db import transaction

app = typer.Typer(no_args_is_help=True)


@app.command("list")
@cli_errors
def list_concepts(
    run_id: str = typer.Option(None, "--run", help="Run id (default: the latest finished run)."),
    status: str = typer.Option(None, "--status", help="approved | review | rejected | failed"),
    project: Path = ProjectOpt,
) -> None:
    """Concepts of a run: id, angle, segment, status, attempts, first hook."""
    with transaction(store_for(project)) as session:
        row = concept_store.run_or_latest(session, run_id)
        concepts = concept_store.run_concepts(session, row.id)
    table = Table(title=f"run {row.id}")
    for col in ("id", "angle", "segment", "status", "attempts", "first hook"):
        table.add_column(col)
    for c in concepts:
        if status and c.status != status:
            continue
        hook = c.draft.hooks[0].text if c.draft and c.draft.hooks else (c.error or "")
        table.add_row(c.id[:10], c.angle.id, c.segment_id, c.status, str(c.attempt), hook)
    console.print(table)


@app.command("show")
@cli_errors
def show(
    concept_id: str = typer.Argument(..., help="Concept id or a unique prefix (≥ 6 characters)."),
    as_json: bool = typer.Option(False, "--json", help="Print the stored concept and verdicts as JSON."),
    project: Path = ProjectOpt,
) -> None:
    """One concept in full: hooks, copy per platform, scripts, brief, and every verdict."""
    with transaction(store_for(project)) as session:
        concept = concept_store.find_concept(session, concept_id)
        verdicts = concept_store.verdicts_for(session, [concept.id])[concept.id]
    if as_json:
        typer.echo(json.dumps({"concept": concept.model_dump(mode="json"),
                               "verdicts": [v.model_dump(mode="json") for v in verdicts]}, indent=2))
        return
    console.print(f"[bold]{concept.id}[/] · {concept.angle.name} × {concept.segment_id} · {concept.status} "
                  f"(attempt {concept.attempt}) · brand {concept.brand_version}")
    if concept.draft is None:
        console.print(f"[red]failed:[/] {escape(concept.error or '')}")
        return
    for hook in concept.draft.hooks:
        console.print(f"  [cyan]{hook.id}[/] {escape(hook.text)}  [dim]caption: {escape(hook.on_screen_caption)} · "
                      f"visual: {escape(hook.first_visual)}[/]", highlight=False)
    for copy in concept.draft.copy_variants:
        fields = escape(str(copy.model_dump(exclude={"platform"})))
        console.print(f"  [green]{copy.platform}[/] {fields}", highlight=False)
    for script in concept.draft.scripts:
        console.print(f"  [yellow]{script.duration}s[/] " + escape(" | ".join(
            f"{b.start:g}-{b.end:g}s {b.kind}: {b.voiceover}" for b in script.beats)), highlight=False)
    for verdict in verdicts:
        console.print(f"  verdict attempt {verdict.attempt}: [bold]{verdict.route}[/]")
        for f in verdict.findings:
            console.print(escape(f"    {f.severity} {f.rule_id} {f.field}: '{f.excerpt}' — {f.fix_hint}"),
                          highlight=False)
