"""Progress for long commands: Rich bars in a terminal, plain lines when the output is a pipe or a file.

A CI log or ``adloom run … | tee run.log`` gets a line when each stage starts, one per tenth of the work
(and at least every few seconds), and one when the stage is done, flushed as they happen. Either kind
implements the driver's ``Progress`` protocol (``stage``, ``advance``); a stage is complete when the next
one starts or the command ends, so no bar is left short.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

__all__ = ["LineProgress", "RichProgress", "progress_for"]


class RichProgress:
    """Rich bars, one per stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}

    def stage(self, name: str, total: int | None = None) -> None:
        if name not in self.tasks:
            self.finish()       # a new stage means the ones before it are done
            self.tasks[name] = self.progress.add_task(name, total=total)
        elif total is not None:
            self.progress.update(self.tasks[name], total=total)

    def advance(self, name: str, n: int = 1) -> None:
        if name not in self.tasks:
            self.stage(name)
        self.progress.advance(self.tasks[name], n)

    def finish(self) -> None:
        for task_id in self.tasks.values():
            task = self.progress.tasks[task_id]
            if not task.finished:
                done = max(task.completed, task.total or 0, 1)
                self.progress.update(task_id, total=done, completed=done)


@dataclass
class _Stage:
    name: str
    started: float
    total: int | None = None
    done: int = 0
    shown_at: float = 0.0
    tenth: int = 0          # the last tenth of the total a line was printed for


@dataclass
class LineProgress:
    """Plain, flushed lines: ``render 40/380 (11%, 6.2 s)``."""

    console: Console
    every: float = 5.0                       # seconds between lines when tenths are slow to come
    clock: Callable[[], float] = time.monotonic
    stages: dict[str, _Stage] = field(default_factory=dict)
    current: str | None = None

    def _say(self, text: str) -> None:
        self.console.print(text, highlight=False, markup=False, soft_wrap=True)
        self.console.file.flush()

    def stage(self, name: str, total: int | None = None) -> None:
        now = self.clock()
        if name not in self.stages:
            self.finish()
            self.stages[name] = _Stage(name, now, total, shown_at=now)
            self.current = name
            self._say(f"{name} …" + (f" {total} to do" if total else ""))
        elif total is not None:
            self.stages[name].total = total

    def advance(self, name: str, n: int = 1) -> None:
        if name not in self.stages:
            self.stage(name)
        s = self.stages[name]
        s.done += n
        now = self.clock()
        tenth = s.done * 10 // s.total if s.total else 0
        if (s.total and tenth > s.tenth and s.done < s.total) or now - s.shown_at >= self.every:
            s.tenth, s.shown_at = tenth, now
            of = f"/{s.total} ({100 * s.done // s.total}%" if s.total else " ("
            self._say(f"{name} {s.done}{of}, {now - s.started:.1f} s)")

    def finish(self) -> None:
        """The stage under way is done: say so with its count and time."""
        if self.current is None:
            return
        s = self.stages[self.current]
        count = f" {s.done}/{s.total}" if s.total else (f" {s.done}" if s.done else "")
        self._say(f"{s.name} done{count} in {self.clock() - s.started:.1f} s")
        self.current = None


@contextmanager
def progress_for(console: Console) -> Iterator[RichProgress | LineProgress]:
    """Bars on a terminal, lines elsewhere; every stage is closed when the block ends normally."""
    if console.is_terminal:
        columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, transient=True) as bars:
            rich = RichProgress(bars)
            yield rich
            rich.finish()
    else:
        lines = LineProgress(console)
        yield lines
        lines.finish()
