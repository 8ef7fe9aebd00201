"""`adloom runs status RUN` (a run's units as the queue sees them) and `adloom migrate`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from adloom.cli.common import ProjectOpt, cli_errors, console, existing_store, store_for
from adloom.store import units as unit_store
from adloom.store.concepts import get_run
from adloom.types import RunSummary

app = typer.Typer(no_args_is_help=True)


def run_status(row: Any, units: list[Any]) -> dict[str, Any]:
    summary = RunSummary.model_validate(row.summary)
    counts = unit_store.task_counts(units)
    running = {kind: sum(1 for u in units if u.kind == kind and u.status == "running") for kind in counts}
    return {
        "run_id": row.id, "brand": row.brand_slug, "status": row.status,
        "executor": "celery" if units else summary.executor,
        "started_at": row.started_at.isoformat(), "finished_at": row.finished_at.isoformat() if row.finished_at
        else None,
        "units": {kind: {"done": c["done"], "total": c["units"], "failed": c["failed"], "running": running[kind],
                         "sent": c["sent"], "resent": c["resent"], "deliveries": c["deliveries"],
                         "redelivered": c["redelivered"]} for kind, c in counts.items()},
        "failures": [{"kind": u.kind, "unit": u.unit, "error": u.error, "worker": u.worker}
                     for u in units if u.status == "failed"],
        "concepts": summary.concepts, "by_status": summary.by_status,
    }


@app.command("status")
@cli_errors
def status(
    run_id: str = typer.Argument(..., help="The run id (`adloom run` prints it)."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object instead of lines."),
    project: Path = ProjectOpt,
) -> None:
    """A run's status, its units done of total per kind (concept, render, export), deliveries and failures."""
    factory = existing_store(project)
    with factory() as session:
        row = get_run(session, run_id)
        report = run_status(row, unit_store.for_run(session, run_id))
    if as_json:
        typer.echo(json.dumps(report, indent=2))
        return
    console.print(f"run {escape(report['run_id'])} · brand {escape(report['brand'])} · {report['status']} · "
                  f"executor {report['executor']}", highlight=False)
    if not report["units"]:
        console.print(f"concepts {report['concepts']} "
                      f"({', '.join(f'{k} {v}' for k, v in sorted(report['by_status'].items())) or 'none yet'})",
                      highlight=False)
    for kind, c in report["units"].items():
        console.print(f"{kind:8} {c['done']}/{c['total']} done · {c['running']} running · {c['failed']} failed · "
                      f"{c['deliveries']} deliveries ({c['redelivered']} redelivered, {c['resent']} resent)",
                      highlight=False)
    for failure in report["failures"]:
        console.print(f"[red]failed:[/] {failure['kind']} {escape(failure['unit'])} on "
                      f"{escape(str(failure['worker']))}: {escape(str(failure['error']))}", highlight=False)


@cli_errors
def migrate(project: Path = ProjectOpt) -> None:
    """Bring the store's schema up to date. With workers: drain them, migrate once, then start the new ones."""
    store_for(project)
    console.print("store schema is current")
