"""`adloom concepts list|show|recheck`: what the store holds, per run, and how today's rules judge it."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from adloom.cli.common import BrandOpt, ProjectOpt, chosen_run, cli_errors, console, existing_store
from adloom.errors import NotFound
from adloom.governance.embeddings import default_embedder
from adloom.governance.governor import Governor
from adloom.governance.pool import GovernorPool
from adloom.store import brands as brand_store
from adloom.store import concepts as concept_store
from adloom.store.db import transaction
from adloom.types import Campaign, Concept, RunSummary, Verdict

app = typer.Typer(no_args_is_help=True)


@app.command("list")
@cli_errors
def list_concepts(
    run_id: str = typer.Option(None, "--run", help="Run id (default: the latest finished run)."),
    status: str = typer.Option(None, "--status", help="approved | review | rejected | failed"),
    brand: str = BrandOpt,
    project: Path = ProjectOpt,
) -> None:
    """Concepts of a run: id, angle, segment, status, attempts, first hook."""
    with transaction(existing_store(project)) as session:
        row = chosen_run(session, run_id, brand)
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
    with transaction(existing_store(project)) as session:
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


@app.command("recheck")
@cli_errors
def recheck(
    run_id: str = typer.Option(None, "--run", help="Run id (default: the latest finished run)."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="Worker processes (one per core is fastest)."),
    brand_slug: str = BrandOpt,
    project: Path = ProjectOpt,
) -> None:
    """Judge a run's stored concepts again under today's packs and policies; show whose route would change.

    Read-only: nothing is stored. The question it answers after a rule pack or policy update: which of the
    creatives already made (and maybe live) would now be routed differently, and why.
    """
    with transaction(existing_store(project)) as session:
        row = chosen_run(session, run_id, brand_slug)
        summary = RunSummary.model_validate(row.summary)
        brand = brand_store.get_version(session, row.brand_version)
        concepts = [c for c in concept_store.run_concepts(session, row.id) if c.draft is not None]
        stored = concept_store.verdicts_for(session, [c.id for c in concepts])
    if brand is None:
        raise NotFound(f"brand version {row.brand_version} of run {row.id} is not in the store")
    campaign = summary.campaign or Campaign()
    cache = project / ".adloom" / "cache" / "embeddings"
    verdicts: list[Verdict] = []
    with ExitStack() as stack:
        judge: Callable[[list[Concept]], list[Verdict]]
        if jobs > 1:
            judge = stack.enter_context(GovernorPool(brand, campaign, workers=jobs, project_dir=project,
                                                     cache_dir=cache)).verdicts
        else:
            judge = Governor.build(brand, campaign, project_dir=project, embedder=default_embedder(cache)).verdicts
        bars = stack.enter_context(Progress(TextColumn("recheck"), BarColumn(), MofNCompleteColumn(),
                                            TimeElapsedColumn(), console=console, transient=True))
        task = bars.add_task("recheck", total=len(concepts))
        for at in range(0, len(concepts), 50):
            verdicts += judge(concepts[at:at + 50])
            bars.advance(task, len(concepts[at:at + 50]))
    table = Table(title=f"run {row.id}: {len(concepts)} concepts judged again")
    for col in ("id", "angle", "segment", "was", "now"):
        table.add_column(col)
    table.add_column("new findings", overflow="fold")     # rule ids in full, wrapped, never cut
    changed = 0
    causes: Counter[str] = Counter()
    for concept, verdict in zip(concepts, verdicts, strict=True):
        before = stored.get(concept.id) or []
        was = before[-1].route if before else "-"
        old_rules = {f.rule_id for f in before[-1].findings} if before else set()
        new_rules = sorted({f.rule_id for f in verdict.findings} - old_rules)
        if was != verdict.route or new_rules:
            changed += was != verdict.route
            causes.update(new_rules)
            table.add_row(concept.id[:10], concept.angle.id, concept.segment_id, was, verdict.route,
                          escape(", ".join(new_rules)))
    console.print(table)
    if causes:
        console.print("new findings by rule: " + escape(", ".join(f"{r} ({n})" for r, n in causes.most_common())),
                      highlight=False)
    console.print(f"{changed} of {len(concepts)} concepts would be routed differently today "
                  f"(checks: {escape(json.dumps(verdicts[0].checks) if verdicts else '{}')})", highlight=False)
