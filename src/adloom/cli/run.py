"""`adloom run` (the main job) and `adloom export` (re-export a stored run)."""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from pathlib import Path
from typing import Any, cast

import typer
import yaml
from rich.markup import escape
from rich.table import Table

from adloom import yamlutil
from adloom.audit.seal import check_run_assets
from adloom.cli.audit import checkpointer_for
from adloom.cli.common import (
    BrandOpt,
    ProjectOpt,
    chosen_run,
    cli_errors,
    console,
    err_console,
    existing_store,
    store_for,
)
from adloom.cli.feedback import options_from
from adloom.cli.progress import progress_for
from adloom.errors import BrandInputError, ConfigError
from adloom.feedback import report as feedback_report
from adloom.governance.packs import PackSet, load_packs
from adloom.governance.verticals import checked_vertical
from adloom.ingest.fetch import FetchOptions
from adloom.pipeline import export as export_stage
from adloom.pipeline.run import RunOptions, RunResult
from adloom.pipeline.run import run as run_pipeline
from adloom.platforms import PLATFORMS, Platform
from adloom.settings import Settings
from adloom.store import concepts as concept_store
from adloom.store.brands import get_version
from adloom.store.db import transaction
from adloom.types import Asset, Campaign, RunSummary
from adloom.writers.pricing import PriceTable
from adloom.writers.registry import get_writer

INTERRUPTED_EXIT = 130      # 128 + SIGINT, what a shell reports for Ctrl-C


def parse_platforms(value: str) -> list[Platform]:
    chosen = [p.strip().lower() for p in value.split(",") if p.strip()]
    unknown = [p for p in chosen if p not in PLATFORMS]
    if unknown or not chosen:
        raise ConfigError(f"unknown platform(s) {', '.join(unknown) or '(none)'}; choose from "
                          f"{', '.join(PLATFORMS)}", field="--platforms")
    return cast(list[Platform], chosen)


def load_campaign(folder: Path, path: Path | None, platforms: list[Platform], packs: PackSet | None = None) -> Campaign:
    """campaign.yaml in the brand folder (or --campaign FILE) sets where the ads run; its vertical must be
    one governance knows (``packs``: the project's rule packs, whose scopes may name more)."""
    source = path or folder / "campaign.yaml"
    data: dict[str, object] = {}
    if source.exists():
        try:
            loaded = yamlutil.safe_load(source.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise BrandInputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(source),
                                  line=mark.line + 1 if mark else None) from None
        if not isinstance(loaded, dict):
            raise BrandInputError("a campaign file must be a mapping of fields", file=str(source))
        data = loaded
    elif path is not None:
        raise BrandInputError("campaign file not found", file=str(path))
    data["platforms"] = platforms
    try:
        campaign = Campaign.model_validate(data)
    except Exception as exc:  # pydantic.ValidationError: name the first bad field
        errors: list[dict[str, Any]] = getattr(exc, "errors", list)()
        field = ".".join(str(p) for p in errors[0]["loc"]) if errors else None
        msg = errors[0]["msg"] if errors else str(exc)
        raise BrandInputError(msg, file=str(source), field=field) from None
    checked_vertical(campaign.vertical, packs, where="vertical", file=str(source))
    return campaign


ALL_FAILED_EXIT = 5       # every concept of the run failed (the writer down, rate-limited, answering garbage)
SOME_FAILED_EXIT = 6      # some concepts failed; the others are exported


RENDER_KINDS = ("image", "video", "brief_pdf", "brief_md", "background")


def parse_generators(values: list[str]) -> dict[str, str | None]:
    """``KIND=SPEC`` pairs, each checked now: an unknown kind or generator is one line and exit 2."""
    if not values:
        return {}
    from adloom.render.registry import available, get_generator, parse_generator_id  # only when choosing

    chosen: dict[str, str | None] = {}
    for value in values:
        kind, sep, spec = value.partition("=")
        kind, spec = kind.strip().lower(), spec.strip()
        if not sep or kind not in RENDER_KINDS or not spec:
            raise ConfigError(f"--generator '{value}': expected KIND=SPEC with KIND one of {', '.join(RENDER_KINDS)}",
                              field="generator")
        if spec.lower() == "none":
            chosen[kind] = None
            continue
        name, _ = parse_generator_id(spec)
        if name not in available():
            get_generator(spec)                      # raises the 'did you mean' ConfigError
        chosen[kind] = spec
    return chosen


@cli_errors
def run(
    folder: Path = typer.Argument(..., help="The brand folder (see docs/brand-folder.md)."),
    platforms: str = typer.Option("meta,google,tiktok", help="Comma-separated: meta, google, tiktok."),
    angles: int = typer.Option(5, "--angles", min=1, max=10, help="How many ranked angles to write."),
    hooks: int = typer.Option(5, "--hooks", min=1, max=8, help="Hooks per angle x segment."),
    writer: str = typer.Option(None, "--writer", help="formula (default, offline), fake, openai:MODEL …"),
    out: Path = typer.Option(None, "--out", help="Output root (default: ./out)."),
    campaign_file: Path = typer.Option(None, "--campaign", help="Campaign YAML (default: FOLDER/campaign.yaml)."),
    render: bool = typer.Option(True, "--render/--no-render", help="Render images, animatics and briefs."),
    force: bool = typer.Option(False, "--force", help="Run even if nothing changed since an earlier run."),
    generator: list[str] = typer.Option(
        [], "--generator", metavar="KIND=SPEC",
        help="Render generator per kind (image, video, brief_pdf, brief_md, background), e.g. "
             "image=openai-images:gpt-image-1, video=runway:gen4_turbo, brief_pdf=brief:letter, video=none. "
             "Keys and URLs come from the environment (docs/generators.md)."),
    executor: str = typer.Option(None, "--executor", metavar="inprocess|celery",
                                 help="Where the units run: this process (default, ADLOOM_EXECUTOR) or "
                                      "`adloom worker` processes (needs adloom[scale] and a PostgreSQL store)."),
    project: Path = ProjectOpt,
) -> None:
    """Run the whole pipeline on a brand folder: report, concepts and bulk-upload files under out/."""
    generators = parse_generators(generator)       # a bad selection stops here, before anything is written
    settings = Settings()
    scale_out = executor_choice(executor or settings.executor, settings)
    if not folder.exists():
        raise BrandInputError("brand folder not found", file=str(folder))
    chosen = parse_platforms(platforms)
    packs = load_packs(project, None)      # parsed once: the driver adds the brand's pack to these
    campaign = load_campaign(folder, campaign_file, chosen, packs)
    spec = writer or settings.writer
    the_writer = get_writer(spec, **settings.writer_options(spec))
    reviewer = (get_writer(settings.verify_writer, **settings.writer_options(settings.verify_writer))
                if settings.verify_writer else None)
    factory = store_for(project, settings)
    options = RunOptions(platforms=chosen, n_angles=angles, hooks_per_concept=hooks,
                         max_attempts=settings.max_attempts, concurrency=settings.concurrency, render=render,
                         force=force, packs=packs, writer_retries=settings.writer_retries,
                         writer_rpm=settings.writer_rpm, writer_tpm=settings.writer_tpm,
                         writer_budget=settings.shared_budget(the_writer.id), verify_writer=reviewer,
                         prices=PriceTable.load(settings.price_table) if settings.price_table else None,
                         fetch=FetchOptions(allow_private=settings.allow_private_urls,
                                            timeout=settings.fetch_timeout, max_bytes=settings.fetch_max_bytes,
                                            cache_dir=project / ".adloom" / "cache" / "urls"),
                         audit_redact=settings.audit_redact, audit_retention_days=settings.audit_retention_days,
                         audit_checkpoint=checkpointer_for(project, settings), project_dir=project,
                         cache_dir=project / ".adloom" / "cache" / "embeddings", feedback=options_from(settings))
    render_assets = None
    if render:      # the render stage and its generators (~0.35 s CPU of imports) load only when used
        from adloom.pipeline.render_step import render_step
        render_assets = functools.partial(render_step, generators=generators) if generators else render_step
    out_root = out or (settings.output_root if scale_out else None) or settings.out_dir
    the_executor = None
    if scale_out:
        from adloom.scale.executor import CeleryExecutor

        the_executor = CeleryExecutor.from_settings(settings, spec, out_root, generators)
    begun: list[str] = []       # the run id, once the store has it
    try:
        with progress_for(console) as progress:
            result = asyncio.run(run_pipeline(
                folder, factory=factory, writer=the_writer, campaign=campaign, out_root=out_root,
                options=options, progress=progress, render_assets=render_assets,
                on_start=lambda run_id, _out: begun.append(run_id), executor=the_executor))
    except KeyboardInterrupt:       # Ctrl-C: the driver has marked the run; one line, the shell's exit code
        what = (f"run {begun[-1]} is marked interrupted; run the same command again to finish it (finished "
                f"concepts and assets are kept)" if begun else "the run had not started; nothing to resume")
        err_console.print(f"interrupted: {escape(what)}", highlight=False, soft_wrap=True)
        raise typer.Exit(INTERRUPTED_EXIT) from None
    print_summary(result)
    failed = 0 if result.summary.reused_run else result.summary.by_status.get("failed", 0)
    if failed:      # outputs are written, but the run did not do its job: say so in the exit code
        every = failed == result.summary.concepts
        err_console.print(f"error: {failed} of {result.summary.concepts} concepts failed (see the warnings and "
                          "the report); run the same command again to retry them", highlight=False)
        raise typer.Exit(ALL_FAILED_EXIT if every else SOME_FAILED_EXIT)


def executor_choice(name: str, settings: Settings) -> bool:
    """True for the celery executor, after refusing (one line, exit 2) what it cannot work with."""
    choice = name.strip().lower()
    if choice not in ("inprocess", "celery"):
        raise ConfigError(f"unknown executor '{name}': choose inprocess or celery", field="--executor")
    if choice == "celery":
        from adloom.scale import require_scale

        require_scale(settings.database_url)
    return choice == "celery"


def print_summary(result: RunResult) -> None:
    s = result.summary
    for warning in s.warnings:      # a refused rule pack is one: said even when an earlier run's outputs stand
        where = f"{warning.file}{f':{warning.line}' if warning.line else ''}"
        console.print(f"[yellow]warning:[/] {escape(where)}: {escape(warning.message)}", highlight=False)
    if s.reused_run:
        console.print(f"nothing changed since run {s.reused_run}: its outputs stand (use --force to run again)")
        console.print(f"report: [bold]{escape(str(result.outputs['report']))}[/]")
        return
    for problem in s.render_errors:
        console.print(f"[yellow]render:[/] {escape(problem)}", highlight=False)
    for flag in s.flagged_inputs:
        console.print(f"[magenta]flagged input (kept as data):[/] {escape(flag)}", highlight=False)
    table = Table(title=f"{result.brand.name} · brand {s.brand_version} · run {s.run_id}", show_header=False)
    table.add_row("documents", str(s.documents))
    table.add_row("angles", ", ".join(s.angles))
    table.add_row("concepts", f"{s.concepts} ({', '.join(f'{k} {v}' for k, v in sorted(s.by_status.items()))})")
    table.add_row("hooks", str(s.hooks))
    table.add_row("first drafts failing", f"{s.first_draft_failures} · regenerations {s.regenerations}")
    table.add_row("reused from store", str(s.reused))
    if s.assets:
        kinds = Counter(a.kind for a in s.assets)
        table.add_row("assets", ", ".join(f"{n} {kind}s" for kind, n in sorted(kinds.items())))
    usage = s.writer_usage.get("total")
    if usage and usage.get("calls"):
        table.add_row("writer calls", f"{usage['calls']} ({usage.get('cache_hits', 0)} cached) · "
                      f"{usage.get('input_tokens', 0)}+{usage.get('output_tokens', 0)} tokens · "
                      f"${usage.get('cost', 0.0):.4f}")
    for kind, counts in s.tasks.items():     # celery: the run's task events, per unit kind
        table.add_row(f"{kind} tasks", f"{counts['done']}/{counts['units']} done · {counts['deliveries']} deliveries "
                      f"({counts['redelivered']} redelivered, {counts['resent']} resent) · {counts['failed']} failed")
    table.add_row("time", ", ".join(f"{k} {v:.2f}s" for k, v in s.stage_seconds.items()))
    console.print(table)
    console.print(f"report: [bold]{result.outputs['report']}[/]")
    for name, path in result.outputs.items():
        if name != "report":
            console.print(f"  {name}: {path}", highlight=False)


@cli_errors
def export(
    run_id: str = typer.Option(None, "--run", help="Run id (default: the latest finished run)."),
    out: Path = typer.Option(None, "--out", help="Folder to write into (default: the run's own folder)."),
    brand_slug: str = BrandOpt,
    project: Path = ProjectOpt,
) -> None:
    """Write a stored run's report, concepts.jsonl and bulk CSVs again (e.g. after brand or review edits)."""
    factory = existing_store(project)
    with transaction(factory) as session:
        row = chosen_run(session, run_id, brand_slug)
        summary = RunSummary.model_validate(row.summary)
        concepts = concept_store.run_concepts(session, row.id)
        verdicts = concept_store.verdicts_for(session, [c.id for c in concepts])
        brand = get_version(session, row.brand_version)
        if brand is None:
            raise ConfigError(f"brand version {row.brand_version} of run {row.id} is not in the store")
        check_run_assets(session, summary.assets, Path(row.out_dir))     # no changed file is exported
        out_dir = out or Path(row.out_dir)
    campaign = summary.campaign or Campaign()
    assets: dict[str, list[Asset]] = {}
    for asset in summary.assets:
        assets.setdefault(asset.concept_id, []).append(asset)
    outputs = export_stage.exports(concepts, verdicts, brand, campaign, summary, out_dir, assets=assets,
                                   sections=feedback_report.sections(summary))
    for name, path in outputs.items():
        console.print(f"{name}: {path}", highlight=False)
