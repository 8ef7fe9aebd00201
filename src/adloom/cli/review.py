"""`adloom review list|approve|reject|escalate|export`: the review desk for teams without the web page.

The same functions as the desk and the REST API decide; the CLI acts as an admin named by ``--by``.
"""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from adloom.audit import DEFAULT_REDACTOR, AuditLog
from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.review import decide as deciding
from adloom.review.exports import write_run_exports
from adloom.settings import Settings
from adloom.store import reviews as review_store
from adloom.store.accounts import Principal
from adloom.store.concepts import find_concept, run_or_latest
from adloom.store.db import transaction

app = typer.Typer(no_args_is_help=True)

ByOpt = typer.Option(None, "--by", help="Who decides (default: your login name).")


def _principal(by: str | None) -> Principal:
    return Principal(by or getpass.getuser() or "cli", "admin", "cli")


def _audit(factory: object, settings: Settings) -> AuditLog:
    return AuditLog(factory, redact=DEFAULT_REDACTOR if settings.audit_redact else None)  # type: ignore[arg-type]


@app.command("list")
@cli_errors
def list_items(
    run_id: str = typer.Option(None, "--run", help="Only concepts of this run."),
    brand: str = typer.Option(None, "--brand", help="Brand slug."),
    state: str = typer.Option("pending", "--state", help="pending | escalated | approved | rejected"),
    platform: str = typer.Option(None, "--platform", help="meta | google | tiktok"),
    angle: str = typer.Option(None, "--angle", help="Angle id, e.g. pain-first."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    project: Path = ProjectOpt,
) -> None:
    """The review queue, highest risk first."""
    with transaction(store_for(project)) as session:
        review_store.sync_queue(session)
        page = review_store.queue_page(session, review_store.QueueFilters(
            brand=brand, run=run_id, state=state, platform=platform, angle=angle), limit=limit)
    table = Table(title=f"review queue: {page.total} {state}")
    for col in ("concept", "risk", "brand", "angle", "segment", "platforms", "run"):
        table.add_column(col)
    for item in page.items:
        table.add_row(item.concept_id[:12], f"{item.risk:.2f}", item.brand_slug, item.angle_id, item.segment_id,
                      item.platforms.strip(","), item.run_id or "")
    console.print(table)


def _decide(decision: str, concept: str, why: str, phrase: str | None, by: str | None, project: Path) -> None:
    settings = Settings()
    factory = store_for(project, settings)
    with transaction(factory) as session:
        review_store.sync_queue(session)
        concept_id = find_concept(session, concept).id
    result = deciding.decide(factory, _audit(factory, settings), _principal(by), concept_id, decision,
                             rationale=why, phrase=phrase)
    console.print(f"{result.concept_id}: {escape(result.decision)} -> {result.state} (status {result.status})",
                  highlight=False)


@app.command("approve")
@cli_errors
def approve(concept: str = typer.Argument(..., help="Concept id or unique prefix (6+)."),
            why: str = typer.Option("", "--why", help="Rationale (optional for approvals)."),
            by: str = ByOpt, project: Path = ProjectOpt) -> None:
    """Approve a queued concept: it ships in the run's exports from the next `adloom review export`."""
    _decide("approve", concept, why, None, by, project)


@app.command("reject")
@cli_errors
def reject(concept: str = typer.Argument(..., help="Concept id or unique prefix (6+)."),
           why: str = typer.Option(..., "--why", help="Rationale (required)."),
           phrase: str = typer.Option(None, "--phrase", help="The words objected to (feeds rule candidates)."),
           by: str = ByOpt, project: Path = ProjectOpt) -> None:
    """Reject a queued concept: it never ships."""
    _decide("reject", concept, why, phrase, by, project)


@app.command("escalate")
@cli_errors
def escalate(concept: str = typer.Argument(...), why: str = typer.Option("", "--why"), by: str = ByOpt,
             project: Path = ProjectOpt) -> None:
    """Send a queued concept to an admin."""
    _decide("escalate", concept, why, None, by, project)


@app.command("export")
@cli_errors
def export(run_id: str = typer.Option(None, "--run", help="Run id (default: the latest finished run)."),
           by: str = ByOpt, project: Path = ProjectOpt) -> None:
    """Write a run's report and bulk files again with every decision so far (recorded in the audit log)."""
    settings = Settings()
    factory = store_for(project, settings)
    with transaction(factory) as session:
        run = run_or_latest(session, run_id).id
    outputs = write_run_exports(factory, _audit(factory, settings), run, actor=_principal(by).name)
    for name, path in outputs.items():
        console.print(f"{name}: {path}", highlight=False)
