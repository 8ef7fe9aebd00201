"""Progress as a log sees it (plain lines, as the work goes) and as a terminal sees it (every bar completes)."""

from __future__ import annotations

import io

from rich.console import Console
from rich.progress import Progress

from adloom.cli.progress import LineProgress, RichProgress, progress_for


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_piped_output_gets_lines_while_the_work_goes_on() -> None:
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    clock = Clock()
    lines = LineProgress(console, every=5.0, clock=clock)
    lines.stage("ingest")
    clock.now += 0.4
    lines.stage("render", total=40)
    for _ in range(8):          # 20%: two tenths crossed, two lines, written before the stage ends
        clock.now += 0.1
        lines.advance("render")
    assert out.getvalue().splitlines() == [
        "ingest …", "ingest done in 0.4 s", "render … 40 to do",
        "render 4/40 (10%, 0.4 s)", "render 8/40 (20%, 0.8 s)"]
    clock.now += 30             # a slow item: a line after `every` seconds even without a new tenth
    lines.advance("render")
    assert out.getvalue().splitlines()[-1] == "render 9/40 (22%, 30.8 s)"
    for _ in range(31):
        lines.advance("render")
    lines.stage("export")
    lines.finish()
    tail = out.getvalue().splitlines()[-4:]
    assert tail == ["render 36/40 (90%, 30.8 s)", "render done 40/40 in 30.8 s", "export …",
                    "export done in 0.0 s"]


def test_progress_for_picks_lines_for_a_pipe_and_bars_for_a_terminal() -> None:
    with progress_for(Console(file=io.StringIO(), force_terminal=False)) as piped:
        assert isinstance(piped, LineProgress)
    with progress_for(Console(file=io.StringIO(), force_terminal=True)) as terminal:
        assert isinstance(terminal, RichProgress)


def test_every_bar_completes_including_a_stage_that_never_counted() -> None:
    with Progress(console=Console(file=io.StringIO(), force_terminal=True)) as bars:
        rich = RichProgress(bars)
        rich.stage("ingest")                    # no total, never advanced: the bar the issue saw stuck
        rich.stage("concepts", total=3)
        for _ in range(3):
            rich.advance("concepts")
        rich.stage("render", total=10)
        rich.advance("render", 4)               # cut short: still closed when the command ends
        rich.finish()
        assert [(t.description, t.finished) for t in bars.tasks] == [
            ("ingest", True), ("concepts", True), ("render", True)]
