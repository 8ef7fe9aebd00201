"""What every command shares: the project's store, one-line errors with exit codes, the console."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import make_url, select
from sqlalchemy.orm import Session, sessionmaker

from adloom.errors import AdloomError, ConfigError
from adloom.settings import Settings
from adloom.store.concepts import get_run, latest_run
from adloom.store.db import open_store
from adloom.store.tables import RunRow

console = Console()
err_console = Console(stderr=True)
F = TypeVar("F", bound=Callable[..., Any])

ProjectOpt = typer.Option(Path("."), "--project", "-p", help="Project folder holding .adloom/ (the store).")


@contextmanager
def exit_on_error() -> Iterator[None]:
    """Translate adloom errors into one line on stderr and the error's exit code: the only place it happens."""
    try:
        yield
    except AdloomError as exc:
        # escape: messages quote user text and "[extras]" that Rich would read as markup
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


def cli_errors(func: F) -> F:
    """``exit_on_error`` around a whole command."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with exit_on_error():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def store_for(project: Path, settings: Settings | None = None) -> sessionmaker[Session]:
    settings = settings or Settings()
    return open_store(settings.store_url(project))


def existing_store(project: Path, settings: Settings | None = None) -> sessionmaker[Session]:
    """The project's store for a command that only reads: where no SQLite store exists yet, a one-line error
    naming the path (exit 2), never a new empty database left behind in whatever folder the command ran."""
    settings = settings or Settings()
    url = settings.store_url(project)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        if not path.is_file():
            raise ConfigError(f"no adloom store at {path}: run `adloom run FOLDER` here first, or pass "
                              "--project (or ADLOOM_DATABASE_URL) to point at one")
    return open_store(url)


BrandOpt = typer.Option(None, "--brand", help="Brand slug: its latest finished run (default: any brand's).")


def chosen_run(session: Session, run_id: str | None, brand: str | None) -> RunRow:
    """The named run, else the latest finished run of ``brand`` (or of any brand)."""
    if run_id is not None:
        row = get_run(session, run_id)
        if brand is not None and row.brand_slug != brand:
            raise ConfigError(f"run {run_id} is of brand '{row.brand_slug}', not '{brand}'", field="--brand")
        return row
    latest = latest_run(session, brand)
    if latest is not None:
        return latest
    if brand is None:
        raise ConfigError("no finished run in this project yet: run `adloom run FOLDER` first")
    known = sorted(set(session.scalars(select(RunRow.brand_slug).where(RunRow.status == "done"))))
    raise ConfigError(f"no finished run of brand '{brand}'; brands with runs: {', '.join(known) or '(none)'}",
                      field="--brand")
