"""``adloom feedback import FILE``: read a platform's performance export back into the store.
``adloom feedback pull --platform P --since DATE --account ID``: the same, read through the platform's API.

Bad input (another platform's file, missing columns, a currency change, negative spend, merged header
cells, another brand's ad) is one line naming the file, row and problem, exit 2, and nothing stored.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from adloom.audit import DEFAULT_REDACTOR, AuditLog
from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.errors import ConfigError
from adloom.feedback.imports import ImportResult, import_file
from adloom.feedback.options import FeedbackOptions
from adloom.naming import slugify
from adloom.settings import Settings

app = typer.Typer(help="Import platform performance exports; the next run leans toward what won.",
                  no_args_is_help=True)
MAX_LISTED = 20


@app.callback()
def feedback() -> None:
    """Performance exports in; the pattern library and the next run's allocation learn from them."""


def options_from(settings: Settings) -> FeedbackOptions:
    return FeedbackOptions(metric=settings.feedback_metric, min_impressions=settings.feedback_min_impressions,
                           min_spend=settings.feedback_min_spend, exploration=settings.feedback_exploration,
                           cross_brand=settings.feedback_cross_brand)


@app.command("import")
@cli_errors
def import_cmd(
    file: Path = typer.Argument(..., help="A Meta, TikTok or Google Ads export (CSV or XLSX)."),
    platform: str = typer.Option(None, "--platform", help="meta, tiktok or google (default: read from the columns)."),
    brand: str = typer.Option(None, "--brand", help="The brand slug the ads belong to (default: from the ad names)."),
    project: Path = ProjectOpt,
) -> None:
    """Import a performance export: rows join to concepts by ad name; re-importing a file changes nothing."""
    settings = Settings()
    options = options_from(settings)
    factory = store_for(project, settings)
    audit = AuditLog(factory, redact=DEFAULT_REDACTOR if settings.audit_redact else None)
    chosen = platform.strip().lower() if platform else None
    if sys.stderr.isatty():
        columns = (SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed:,} rows"),
                   TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bars:
            task = bars.add_task(f"reading {file.name}", total=None)
            result = import_file(factory, file, platform=chosen, brand=slugify(brand) if brand else None,
                                 options=options, audit=audit, progress=lambda n: bars.advance(task, n))
    else:
        result = import_file(factory, file, platform=chosen, brand=slugify(brand) if brand else None,
                             options=options, audit=audit)
    print_result(result)


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"'{value}' is not a date (YYYY-MM-DD)", field=option) from None


@app.command("pull")
@cli_errors
def pull_cmd(
    platform: str = typer.Option(..., "--platform", help="meta, tiktok or google."),
    since: str = typer.Option(..., "--since", help="First day (YYYY-MM-DD)."),
    until: str = typer.Option(None, "--until", help="Last day (YYYY-MM-DD; default today)."),
    account: str = typer.Option(None, "--account", help="Ad account: Meta act_<id>, TikTok advertiser id, Google "
                                                       "customer id (default: the one this project last deployed to)."),
    brand: str = typer.Option(None, "--brand", help="The brand slug the ads belong to (default: from the ad names)."),
    project: Path = ProjectOpt,
) -> None:
    """Read per-ad, per-day results through the platform's API and import them as an export file would be;
    pulling unchanged figures again changes nothing."""
    from adloom.deploy.credentials import api_base_for, credentials_for
    from adloom.deploy.registry import get_publisher
    from adloom.feedback.pull import last_deployed_account, pull_file
    from adloom.platforms import PLATFORMS

    chosen = platform.strip().lower()
    if chosen not in PLATFORMS:
        raise ConfigError(f"unknown platform '{platform}'; choose from {', '.join(PLATFORMS)}", field="--platform")
    first, last = _day(since, "--since"), _day(until, "--until") if until else date.today()
    settings = Settings()
    factory = store_for(project, settings)
    if not account:
        with factory() as session:
            account = last_deployed_account(session, chosen) or ""
        if not account:
            raise ConfigError(f"no deploy to {chosen} recorded in this project: pass --account", field="--account")
    publisher = get_publisher(chosen, credentials_for(chosen, settings), api_base_for(chosen, settings))

    async def fetch() -> tuple[Path, int]:
        try:
            return await pull_file(publisher, account, first, last, project / ".adloom" / "pulls")
        finally:
            await publisher.aclose()

    path, rows = asyncio.run(fetch())
    console.print(f"pulled {rows:,} rows from {chosen} account {escape(account)} ({first} .. {last}) -> "
                  f"{escape(str(path))}", highlight=False, soft_wrap=True)
    audit = AuditLog(factory, redact=DEFAULT_REDACTOR if settings.audit_redact else None)
    print_result(import_file(factory, path, platform=chosen, brand=slugify(brand) if brand else None,
                             options=options_from(settings), audit=audit, actor="cli:pull"))


def print_result(result: ImportResult) -> None:
    name = escape(result.file)
    if result.already:
        console.print(f"{name} was imported before (sha256 {result.import_id[:16]}): nothing changed", soft_wrap=True)
        return
    listed = [s for s in result.skipped if s.listed]
    console.print(f"imported {name}: {result.platform}, brand {result.brand}, {result.rows:,} rows -> "
                  f"{result.records:,} records ({result.first_day} .. {result.last_day}"
                  f"{', ' + result.currency if result.currency else ''}), {result.replaced:,} replaced earlier "
                  f"figures, {result.labels} asset labels, {len(listed)} rows left out",
                  highlight=False, soft_wrap=True)
    for skip in listed[:MAX_LISTED]:
        console.print(f"  [yellow]left out[/] {name}:{skip.line}: {escape(skip.ad_name or '(no ad name)')}: "
                      f"{escape(skip.reason)}", highlight=False, soft_wrap=True)
    if len(listed) > MAX_LISTED:
        console.print(f"  … and {len(listed) - MAX_LISTED} more (all kept with the import record)")
    changed = result.patterns.get("changed", [])
    console.print(f"pattern library: {len(changed)} patterns updated for {result.brand} "
                  f"({result.patterns.get('metric')} baseline {result.patterns.get('baseline', 0):.2%}, "
                  f"{result.patterns.get('judged_ads', 0)} ads judged)", highlight=False, soft_wrap=True)
