"""`adloom token create|revoke`: bearer tokens for machines calling the REST API."""

from __future__ import annotations

from pathlib import Path

import typer

from adloom.audit import AuditLog, kinds
from adloom.cli.common import ProjectOpt, cli_errors, console, store_for
from adloom.store import accounts
from adloom.store.db import transaction

app = typer.Typer(no_args_is_help=True)


@app.command("create")
@cli_errors
def create(
    name: str = typer.Argument(..., help="What the token is for, e.g. 'ci-export'."),
    role: str = typer.Option("reviewer", "--role", help="reviewer | admin"),
    project: Path = ProjectOpt,
) -> None:
    """Create a token and print it once (only its SHA-256 is stored). Send it as `Authorization: Bearer …`."""
    factory = store_for(project)
    with transaction(factory) as session:
        token = accounts.create_token(session, name, role)
        AuditLog(factory).append_in(session, kinds.TOKEN_CREATED, name, "cli", {"role": role})
    console.print(token, highlight=False, soft_wrap=True)


@app.command("revoke")
@cli_errors
def revoke(name: str = typer.Argument(...), project: Path = ProjectOpt) -> None:
    """Revoke a token by name; calls with it are refused from now on."""
    factory = store_for(project)
    with transaction(factory) as session:
        accounts.revoke_token(session, name)
        AuditLog(factory).append_in(session, kinds.TOKEN_REVOKED, name, "cli", None)
    console.print(f"token {name} revoked", highlight=False)
