"""`adloom schema`: JSON Schema of the domain types, for integrators and model-backed writers."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from adloom.cli.common import cli_errors, console
from adloom.errors import ConfigError
from adloom.types import SCHEMA_MODELS, json_schema


@cli_errors
def schema(
    name: str = typer.Argument(None, help=f"One of: {', '.join(SCHEMA_MODELS)}. Omit to list them."),
    out: Path = typer.Option(None, "--out", help="Write every schema as NAME.schema.json into this folder."),
) -> None:
    """Print the JSON Schema of a domain type, or write all of them to a folder."""
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for model in SCHEMA_MODELS:
            (out / f"{model}.schema.json").write_text(json.dumps(json_schema(model), indent=2) + "\n")
        console.print(f"wrote {len(SCHEMA_MODELS)} schemas to {out}")
        return
    if name is None:
        console.print("\n".join(SCHEMA_MODELS))
        return
    if name not in SCHEMA_MODELS:
        raise ConfigError(f"unknown type '{name}'; choose one of {', '.join(SCHEMA_MODELS)}", field="name")
    typer.echo(json.dumps(json_schema(name), indent=2))
