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
from sqlalchemy.orm import Session, sessionmaker

import adloom
from adloom.errors import AdloomError
from adloom.settings import Settings
from adloom.store.db import open_store

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


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"adloom {adloom.__version__}")
        raise typer.Exit()


def app_options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Creative strategy engine: brand folder in, governed ad creatives out."""
