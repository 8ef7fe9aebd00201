"""``adloom policy``: test the rule packs against their cases (with coverage), and measure them on labelled data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from adloom.cli.common import ProjectOpt, cli_errors, console, err_console, store_for
from adloom.cli.evalreport import print_evaluation, progress_iter, semantic_scores
from adloom.governance.baseline import baseline_record, load_baseline, regressions
from adloom.governance.evaluate import LabelledRow, evaluate_rows, read_labelled, without_length_limits
from adloom.governance.packs import load_packs
from adloom.governance.policytest import Report, case_files, load_cases, run_cases
from adloom.governance.rego import default_bundle
from adloom.governance.rego import run_cases as run_bundle_cases
from adloom.governance.semantic import load_semantic_or_warn
from adloom.governance.textcheck import check_text
from adloom.store import concepts as concept_store
from adloom.store.db import transaction
from adloom.types import Finding, Route

__all__ = ["app"]

app = typer.Typer(help="Test the rule packs and policies, evaluate them, and track governance rates.",
                  no_args_is_help=True)


def _print_report(report: Report) -> None:
    for result in report.failed:
        case = result.case
        console.print(f"[bold red]FAIL[/] {escape(case.where)} {escape(case.spec.name)}: "
                      f"{escape('; '.join(result.failures))}", highlight=False, soft_wrap=True)
    passed = len(report.results) - len(report.failed)
    console.print(f"{passed}/{len(report.results)} cases passed (packs {report.packs_version})")
    console.print(f"coverage: {report.coverage:.1f}% of {len(report.rules)} rules")
    for rule in report.uncovered:
        console.print(f"  not exercised: {escape(rule)}", highlight=False)


@app.command("test")
@cli_errors
def test(
    directory: Path | None = typer.Argument(None, help="Project folder: packs/*.yaml and packs/cases/*.yaml."),
    min_coverage: float = typer.Option(0.0, "--min-coverage", help="Fail below this rule coverage (percent)."),
    output: Literal["text", "json"] = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Run every pack's table-driven cases (default packs and the project's) and report rule coverage."""
    packs = load_packs(directory, strict=True)
    report = run_cases(packs, load_cases(case_files(directory, packs)))
    bundle = default_bundle()
    bundle_cases = run_bundle_cases(bundle)
    unit_tests = bundle.run_tests()
    bundle_failed = [c for c in bundle_cases if not c.passed] + [
        name for name, passed in unit_tests.items() if not passed]
    if output == "json":
        typer.echo(json.dumps({
            "packs": report.packs_version, "cases": len(report.results), "failed": [
                {"case": r.case.spec.name, "where": r.case.where, "failures": list(r.failures)}
                for r in report.failed],
            "coverage": report.coverage, "uncovered": report.uncovered,
            "bundle": {"version": bundle.version, "cases": len(bundle_cases), "rego_tests": len(unit_tests),
                       "failed": [str(getattr(c, "name", c)) for c in bundle_failed]}}, indent=2))
    else:
        _print_report(report)
        for case in bundle_cases:
            if not case.passed:
                console.print(f"FAIL {escape(case.file)} {escape(case.name)}: expected {case.expected}, "
                              f"got {case.actual}", highlight=False)
        for name, passed in unit_tests.items():
            if not passed:
                console.print(f"FAIL rego test {escape(name)}", highlight=False)
        console.print(f"policy bundle {bundle.version}: {len(bundle_cases) - sum(not c.passed for c in bundle_cases)}"
                      f"/{len(bundle_cases)} cases, {sum(unit_tests.values())}/{len(unit_tests)} Rego tests passed")
    if report.failed or bundle_failed or report.coverage < min_coverage:
        raise typer.Exit(1)


@app.command("eval")
@cli_errors
def evaluate(
    labelled: Path = typer.Argument(..., help="CSV with text, categories (';'-separated policy ids) [, route, "
                                              "platform, country, vertical]."),
    project: Path | None = typer.Option(None, "--project", "-p", help="Project folder with packs/."),
    semantic: bool = typer.Option(True, "--semantic/--no-semantic", help="Include the semantic classifier."),
    misses: int = typer.Option(0, "--misses", min=0, help="Also print up to N texts routed or labelled wrongly."),
    output: Literal["text", "json"] = typer.Option("text", "--format", help="text or json."),
    baseline: Path | None = typer.Option(None, "--baseline", help="Exit 1 when a figure is worse than this "
                                         "recorded baseline (JSON written by --record-baseline)."),
    record_baseline: Path | None = typer.Option(None, "--record-baseline",
                                                help="Write this run's figures as the baseline file."),
) -> None:
    """Per-category precision, recall and false-negative rate, the route confusion matrix and the target
    figures, for a labelled file checked exactly as `adloom check` checks it."""
    recorded = load_baseline(baseline) if baseline is not None else None
    packs = load_packs(project)
    layer = load_semantic_or_warn(err_console) if semantic else None

    rows = read_labelled(labelled)
    scores = semantic_scores(layer, [r.text for r in rows]) if layer is not None else {}

    def checker(row: LabelledRow) -> tuple[list[Finding], Route]:
        result = check_text(row.text, platform=row.platform, country=row.country, vertical=row.vertical,
                            packs=packs, semantic_scores=scores.get(row.text, []))
        return without_length_limits(result)

    result = evaluate_rows(progress_iter(rows, "checking"), checker)
    figures = result.as_dict()
    worse = regressions(figures, recorded) if recorded is not None else []
    if record_baseline is not None:
        record = baseline_record(figures, source=str(labelled), semantic=layer.version if layer else None,
                                 packs=packs.version)
        record_baseline.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    if output == "json":
        typer.echo(json.dumps({"file": str(labelled), "semantic": layer.version if layer else None,
                               **figures, "regressions": worse}, indent=2))
    else:
        print_evaluation(result, title=f"{labelled.name}: {result.rows} rows")
        for row, route, predicted in result.misses[:misses]:
            console.print(Text(f"line {row.line}: expected {row.route} {sorted(row.labels)}, got {route} "
                               f"{sorted(predicted)}: {row.text}"))
        if recorded is not None:
            console.print(f"baseline {baseline}: " + ("no figure worse" if not worse else
                                                      f"{len(worse)} figure(s) worse"), highlight=False)
    for line in worse:
        err_console.print(f"[bold red]worse than baseline:[/] {escape(line)}", highlight=False)
    if worse:
        raise typer.Exit(1)


@app.command("metrics")
@cli_errors
def metrics(
    brand: str | None = typer.Option(None, "--brand", help="Only this brand's runs (its slug)."),
    last: int = typer.Option(20, "--last", min=1, help="How many recent runs."),
    project: Path = ProjectOpt,
    output: Literal["text", "json"] = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Governance over time: pre-filter rejection, regenerate, first-draft failure, review and reject rates
    per run."""
    with transaction(store_for(project)) as session:
        runs = concept_store.finished_runs(session, brand, limit=last)
    if output == "json":
        typer.echo(json.dumps([{"run": r.run_id, "brand": r.brand_slug, "started": r.started_at.isoformat(),
                                "concepts": r.concepts, **r.governance} for r in runs], indent=2))
        return
    columns = ["pre_filter_rejection_rate", "regenerate_rate", "first_draft_failure_rate", "human_review_rate",
               "reject_rate"]
    table = Table("run", "brand", "concepts", *(c.removesuffix("_rate").replace("_", " ") for c in columns),
                  title=f"governance, last {len(runs)} runs")
    for r in runs:
        table.add_row(r.run_id, escape(r.brand_slug), str(r.concepts),
                      *(f"{100 * r.governance.get(c, 0.0):.0f}%" for c in columns))
    console.print(table)
