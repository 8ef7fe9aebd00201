"""Done when: on the example brand, an export in which one angle clearly wins moves the next run's angle
order, budget and hook order toward it, the report section says why, and the ad's lineage shows the import."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from jinja2 import Environment, PackageLoader
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog
from adloom.audit.lineage import lineage
from adloom.feedback.imports import import_file
from adloom.feedback.synthetic import deliver, write_meta_csv
from adloom.pipeline.run import RunOptions, RunResult, run
from adloom.review.exports import write_run_exports
from adloom.types import Campaign
from adloom.writers.registry import get_writer
from tests.conftest import EXAMPLE_BRAND


async def _run(folder: Path, store: sessionmaker[Session], out: Path) -> RunResult:
    return await run(folder, factory=store, writer=get_writer("formula"), campaign=Campaign(), out_root=out,
                     options=RunOptions(render=False))


async def test_a_clear_winner_reshapes_the_next_run(store: sessionmaker[Session], tmp_path: Path) -> None:
    folder = tmp_path / "restwave"
    shutil.copytree(EXAMPLE_BRAND, folder, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    first = await _run(folder, store, tmp_path / "out")
    assert first.summary.allocation["method"] == "even"
    assert {a["hooks"] for a in first.summary.allocation["arms"]} == {5}
    winner = first.summary.angles[-1]            # the angle the priors ranked last
    with first.outputs["meta"].open(encoding="utf-8-sig") as fh:
        names = [row["Ad Name"] for row in csv.DictReader(fh)]
    rng = np.random.default_rng(7)
    rows = [deliver(name, 3000, 0.03 if f"_{winner}_" in name else 0.01, rng, start=date(2026, 11, d))
            for name in names for d in range(1, 8)]
    result = import_file(store, write_meta_csv(tmp_path / "meta_export.csv", rows))
    assert result.records == len(rows) and not [s for s in result.skipped if s.listed]

    second = await _run(folder, store, tmp_path / "out")
    assert second.summary.run_id != first.summary.run_id      # the evidence changed the fingerprint
    assert second.summary.angles[0] == winner
    alloc = second.summary.allocation
    assert alloc["method"] == "thompson"
    shares = {a["angle"]: a for a in alloc["angles"]}
    assert alloc["angles"][0]["angle"] == winner
    assert shares[winner]["share"] > 0.4 > max(a["share"] for a in alloc["angles"][1:])
    assert shares[winner]["hooks"] > max(a["hooks"] for a in alloc["angles"][1:])
    assert sum(a["hooks"] for a in alloc["arms"]) == alloc["hooks_total"] == 75
    assert "chance its arms hold the best ctr" in shares[winner]["reason"]
    # the formula writer wrote the winner's concepts mostly on the winning hook structures
    preferred = alloc["preferred_hook_templates"]
    assert preferred and all(t.startswith(f"{winner}-") for t in preferred)
    winning_hooks = [h for c in second.concepts if c.angle.id == winner and c.draft for h in c.draft.hooks]
    assert sum(h.template_id in preferred for h in winning_hooks) >= len(winning_hooks) / 2
    # the winner's concepts were asked for more hooks and carry more than the first run gave them (the
    # writer may write fewer than asked when the segment's material runs out, never more)
    def written(result: RunResult) -> int:
        return sum(len(c.draft.hooks) for c in result.concepts if c.angle.id == winner and c.draft)
    assert shares[winner]["hooks"] == 24 >= written(second) > written(first)

    env = Environment(loader=PackageLoader("adloom", "data/templates"), autoescape=True)
    html = env.get_template("report_section_allocation.html.j2").render(section=SimpleNamespace(data=alloc))
    assert winner in html and "Thompson" in html and "chance its arms hold the best ctr" in html
    assert html.count("<tr>") == 1 + len(alloc["angles"]) + 1 + len(alloc["arms"])

    report = second.outputs["report"].read_text(encoding="utf-8")
    assert "Why each angle got its share" in report and shares[winner]["reason"].split(";")[0] in report
    # what won so far: the learned angles with their intervals, the winner on top, drawn as dots and lines
    board = alloc["leaderboard"]["angle"]
    assert board[0]["key"] == winner and board[0]["low"] > max(r["high"] for r in board[1:])
    insights = report[report.index('id="insights-charts"'):]
    assert "What won so far" in report and "What won so far" not in first.outputs["report"].read_text("utf-8")
    assert insights.count("<circle") == sum(len(rows) for rows in alloc["leaderboard"].values())
    assert insights.index(f">{winner}<") < min(insights.index(f">{r['key']}<") for r in board[1:])
    # writing the exports again after review decisions keeps the section
    again = write_run_exports(store, AuditLog(store), second.summary.run_id)["report"].read_text(encoding="utf-8")
    assert "Why each angle got its share" in again and shares[winner]["reason"].split(";")[0] in again

    trail = lineage(store, names[0])
    assert [p["file"] for p in trail.performance] == ["meta_export.csv"]
    assert "performance imported from meta_export.csv" in trail.to_text()
