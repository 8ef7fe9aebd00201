"""`adloom user add|list`: people who sign in to the review desk."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from adloom.audit import AuditLog, kinds
from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.errors import InputError
from adloom.store import accounts
from adloom.store.db import transaction

app = typer.Typer(no_args_is_help=True)


def read_password(from_stdin: bool) -> str:
    """From a hidden prompt (typed twice), or the first line of stdin for scripts."""
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("no password on stdin", field="password")
        return line
    first = typer.prompt("password", hide_input=True)
    if typer.prompt("again", hide_input=True) != first:
        raise InputError("the two passwords differ", field="password")
    return str(first)


@app.command("add")
@cli_errors
def add(
    name: str = typer.Argument(..., help="Sign-in name."),
    role: str = typer.Option("reviewer", "--role", help="reviewer | admin"),
    password_stdin: bool = typer.Option(False, "--password-stdin", help="Read the password from stdin."),
    project: Path = ProjectOpt,
) -> None:
    """Add a desk user; the password (10+ characters) is asked for, or read from stdin, and stored as an
    argon2id hash."""
    password = read_password(password_stdin)
    factory = store_for(project)
    with transaction(factory) as session:
        accounts.add_user(session, name, role, password)
        AuditLog(factory).append_in(session, kinds.USER_ADDED, name, "cli", {"role": role})
    console.print(f"user {name} added ({role})", highlight=False)


@app.command("list")
@cli_errors
def list_users(project: Path = ProjectOpt) -> None:
    """Desk users and their roles."""
    with transaction(store_for(project)) as session:
        rows = accounts.list_users(session)
    table = Table()
    for col in ("name", "role", "created", "disabled"):
        table.add_column(col)
    for row in rows:
        table.add_row(row.name, row.role, f"{row.created_at:%Y-%m-%d %H:%M}", "yes" if row.disabled else "")
    console.print(table)
