"""`adloom` command line: one module per command group, mounted here explicitly, imported when used.

Every command module pulls in SQLAlchemy, the domain models and more at import; ``adloom --help`` needs none
of that, so the listing is made from the table below (a command's help is its function's docstring, read
from the source without importing it) and a command's module is imported only when that command runs.
"""

from __future__ import annotations

import ast
import functools
import re
from importlib import import_module
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import typer
import typer.core
import typer.main

import adloom

# name -> (module under adloom.cli, attribute, help of a group); a command's help is its docstring.
# The listing shows them in this order: commands, then groups.
COMMANDS: dict[str, tuple[str, str, str | None]] = {
    "init": ("init", "init", None),
    "run": ("run", "run", None),
    "export": ("run", "export", None),
    "schema": ("schema", "schema", None),
    "check": ("check", "check", None),
    "serve": ("serve", "serve", None),
    "insights": ("insights", "insights", None),
    "deploy": ("deploy", "deploy", None),
    "worker": ("worker", "worker", None),
    "migrate": ("runs", "migrate", None),
    "brand": ("brand", "app", "Show, diff, extract and approve the brand object."),
    "concepts": ("concepts", "app", "List and inspect stored concepts."),
    "policy": ("policy", "app", "Test the rule packs and policies; evaluate against labelled copy."),
    "audit": ("audit", "app", "Verify the audit chain, trace an ad's lineage, export events."),
    "review": ("review", "app", "The review queue: list, approve, reject, escalate, export."),
    "user": ("user", "app", "Desk users (argon2-hashed passwords)."),
    "token": ("token", "app", "Bearer tokens for the REST API (stored hashed)."),
    "feedback": ("feedback", "app", "Import performance exports (Meta, TikTok, Google)."),
    "runs": ("runs", "app", "Runs as the queue sees them: status, units done, failures."),
}


@functools.cache
def load(name: str) -> Any:
    """The click command for ``name``, built by Typer exactly as an eagerly mounted one would be."""
    module, attr, group_help = COMMANDS[name]
    target = getattr(import_module(f"adloom.cli.{module}"), attr)
    holder = typer.Typer()
    if group_help is None:
        holder.command(name)(target)
    else:
        holder.add_typer(target, name=name, help=group_help)
    return typer.main.get_group(holder).commands[name]


def _docstring(module: str, attr: str) -> str:
    """Parsed from the function's own lines (up to the next top-level def, class or decorator): parsing
    every command module whole was half of ``adloom --help``'s CPU time (0.12 of 0.25 s). The whole module
    when the cut does not parse."""
    spec = find_spec(f"adloom.cli.{module}")
    assert spec is not None and spec.origin is not None
    source = Path(spec.origin).read_text(encoding="utf-8")
    start = re.search(rf"^(?:async )?def {attr}\(", source, re.MULTILINE)
    end = re.compile(r"^(?:@|def |async def |class )", re.MULTILINE).search(source, start.end()) if start else None
    try:
        tree = ast.parse(source[start.start():end.start() if end else None]) if start else None
    except SyntaxError:
        tree = None
    tree = tree or ast.parse(source)
    node = next(n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == attr)
    return ast.get_docstring(node) or ""


class LazyGroup(typer.core.TyperGroup):
    """Lists the table's commands without importing them; resolves one by importing only its module."""

    _listing = False

    @property  # type: ignore[override]  # loosely typed: the supertype's names Typer's private click
    def commands(self) -> dict[str, Any]:      # all of them, loaded: for whatever walks the tree (docsgen)
        return {**self._eager, **{name: load(name) for name in COMMANDS}}

    @commands.setter
    def commands(self, value: dict[str, Any]) -> None:
        self._eager = value

    def list_commands(self, ctx: Any) -> list[str]:
        return [*self._eager, *COMMANDS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in COMMANDS:
            return self._eager.get(cmd_name)
        if self._listing:
            module, attr, group_help = COMMANDS[cmd_name]
            return typer.core.TyperCommand(cmd_name, help=group_help or _docstring(module, attr))
        return load(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"adloom {adloom.__version__}")
        raise typer.Exit()


app = typer.Typer(name="adloom", help="Creative strategy engine: brand folder in, governed ad creatives out.",
                  cls=LazyGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)


@app.callback()
def app_options(
    version: bool = typer.Option(False, "--version", callback=_print_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Creative strategy engine: brand folder in, governed ad creatives out."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
