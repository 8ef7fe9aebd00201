"""`adloom init DIR`: scaffold a brand folder with commented templates."""

from __future__ import annotations

import shutil
from importlib.resources import files
from pathlib import Path

import typer

from adloom.cli.common import cli_errors, console
from adloom.errors import InputError

SCAFFOLD = files("adloom") / "data" / "scaffold"


@cli_errors
def init(
    folder: Path = typer.Argument(..., help="Folder to create (must be empty or not exist)."),
    force: bool = typer.Option(False, "--force", help="Write templates into a folder that has files."),
) -> None:
    """Scaffold a brand folder: onboarding form, a persona, and places for pages, docs and transcripts."""
    if folder.exists() and not folder.is_dir():
        raise InputError("exists and is not a folder", file=str(folder))
    if folder.exists() and any(folder.iterdir()) and not force:
        raise InputError("folder is not empty; use --force to add the templates anyway", file=str(folder))
    with_files = 0
    source = Path(str(SCAFFOLD))
    for path in sorted(source.rglob("*")):
        target = folder / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.name == ".gitkeep":
            continue
        elif not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            with_files += 1
    console.print(f"created {folder} with {with_files} template files. Next: edit onboarding.yaml and "
                  f"personas/, add pages, docs and transcripts, then `adloom run {folder}`.")
