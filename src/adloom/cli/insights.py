"""``adloom insights``: what won, with credible intervals, as tables and point-and-interval charts (SVG)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.cli.feedback import options_from
from adloom.errors import ConfigError
from adloom.feedback.insights import CHARTED
from adloom.feedback.insights import insights as build_insights
from adloom.naming import slugify
from adloom.settings import Settings

SHOWN = 12


@cli_errors
def insights(
    brand: str = typer.Option(None, "--brand", help="Brand slug (default: the only brand with performance)."),
    fmt: str = typer.Option("text", "--format", help="text (tables and charts) or json."),
    charts: Path = typer.Option(None, "--charts", help="Folder for the SVG charts (default: OUT/insights)."),
    project: Path = ProjectOpt,
) -> None:
    """Leaderboards of angles, segments and hook structures: posterior mean, 90% interval, evidence."""
    if fmt not in ("text", "json"):
        raise ConfigError(f"unknown format '{fmt}' (choose text or json)", field="--format")
    settings = Settings()
    factory = store_for(project, settings)
    with factory() as session:
        result = build_insights(session, slugify(brand) if brand else None, options_from(settings))
    if fmt == "json":
        typer.echo(json.dumps(result.as_json(), indent=2, default=str))
        return
    e = result.evidence
    console.print(f"[bold]{e.brand}[/] · ranked by {e.metric} · brand baseline {e.prior.mean:.2%} "
                  f"({e.prior.source} prior) · {e.judged_ads} of {len(e.ads)} ads past the minimums", highlight=False)
    for dimension in CHARTED:
        table = Table(title=dimension.replace("_", " "), title_justify="left")
        table.add_column("", min_width=24, overflow="fold")
        for column in ("posterior", "90% interval", "weight", "ads", "wins", "impr.", "ROAS"):
            table.add_column(column, justify="right")
        for group in e.groups.get(dimension, [])[:SHOWN]:
            roas = f"{group.roas[0]:.2f}" if group.roas else "-"
            mark = "" if group.judged else " (too little to judge)"
            table.add_row(escape(group.key) + mark, f"{group.posterior.mean:.2%}",
                          f"{group.low:.2%} - {group.high:.2%}", f"{group.weight:.2f}", str(group.ads),
                          str(group.winners), f"{group.totals.impressions:,}", roas)
        console.print(table)
    for item in e.fatigue:
        console.print(f"[yellow]fatigue:[/] {escape(item['ad_name'])}: CTR {item['ctr_first']:.2%} -> "
                      f"{item['ctr_last']:.2%} while frequency rose {item['frequency_first']:.2f} -> "
                      f"{item['frequency_last']:.2f}", highlight=False, soft_wrap=True)
    folder = charts or (settings.out_dir if settings.out_dir.is_absolute() else project / settings.out_dir) / "insights"
    for path in result.write_charts(folder):
        console.print(f"chart: {escape(str(path))}", highlight=False, soft_wrap=True)
