"""`adloom brand …`: show, diff, extract the brand object and approve its claims."""

from __future__ import annotations

import asyncio
import getpass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, kinds
from adloom.brand.diff import diff_brands, format_diff
from adloom.brand.resolve import BRAND_FILE, ResolvedBrand, extract_brand, resolve_brand, write_brand
from adloom.brand.yamlio import dump_brand, load_brand
from adloom.cli.common import ProjectOpt, exit_on_error
from adloom.errors import BrandObjectError, InputError, NotFound
from adloom.settings import Settings
from adloom.store import brands as brand_store
from adloom.store.db import open_store, transaction
from adloom.types import BrandObject, Claim, Document

app = typer.Typer(help="Inspect, extract and govern the brand object (brand.yaml).", no_args_is_help=True)

FolderArg = Annotated[Path, typer.Argument(help="The brand folder.", show_default=False)]


class Format(StrEnum):
    yaml = "yaml"
    json = "json"




_project = {"dir": Path(".")}


@app.callback()
def _options(project: Path = ProjectOpt) -> None:
    _project["dir"] = project


def _store(folder: Path) -> sessionmaker[Session]:
    """The project's store (where `adloom run` keeps it), not one per brand folder."""
    return open_store(Settings().store_url(_project["dir"]))


def _documents(folder: Path) -> list[Document]:
    from adloom.pipeline.ingest import documents  # ingest pulls in HTML/PDF readers; only load when needed

    return asyncio.run(documents(folder)).documents


def _record(folder: Path, brand: BrandObject, document_ids: list[str]) -> None:
    with transaction(_store(folder)) as session:
        brand_store.record_version(session, brand, document_ids)


@app.command()
def show(folder: FolderArg,
         fmt: Annotated[Format, typer.Option("--format", help="Output format.")] = Format.yaml) -> None:
    """Print the brand object the next run will use (extracting brand.yaml first if needed)."""
    with exit_on_error():
        documents = _documents(folder)
        resolved = resolve_brand(folder, documents)
        _record(folder, resolved.brand, [d.id for d in documents])
        typer.echo(resolved.message, err=True)
        if fmt is Format.json:
            typer.echo(resolved.brand.model_dump_json(indent=2))
        else:
            typer.echo(dump_brand(resolved.brand), nl=False)


@app.command()
def extract(folder: FolderArg,
            force: Annotated[bool, typer.Option("--force", help="Re-extract even over your edits "
                                                "(claim approvals carry over).")] = False) -> None:
    """Extract brand.yaml from the folder's sources (keeps your edits unless --force)."""
    with exit_on_error():
        documents = _documents(folder)
        if force:
            previous = _load_if_valid(folder / BRAND_FILE)
            brand = extract_brand(folder, documents, previous=previous)
            resolved = ResolvedBrand(brand, "re-extracted" if previous else "extracted",
                                     f"extracted {folder / BRAND_FILE} (version {brand.version()})")
        else:
            resolved = resolve_brand(folder, documents)
        _record(folder, resolved.brand, [d.id for d in documents])
        typer.echo(resolved.message)
        candidates = [c for c in resolved.brand.claims if not c.approved]
        if candidates:
            typer.echo(f"{len(candidates)} candidate claim(s) await approval: "
                       f"`adloom brand approve-claim {folder} CLAIM_ID --by NAME`")


@app.command()
def diff(folder: FolderArg,
         from_version: Annotated[str | None, typer.Option("--from", help="Stored version to compare from "
                                                          "(default: the one before brand.yaml).")] = None,
         to_version: Annotated[str | None, typer.Option("--to", help="Stored version to compare to "
                                                        "(default: brand.yaml as it is now).")] = None,
         ) -> None:
    """Show what changed between two brand versions, field by field."""
    with exit_on_error():
        current = load_brand(folder / BRAND_FILE)
        with transaction(_store(folder)) as session:
            new = _stored(session, to_version) if to_version else current
            if from_version:
                old = _stored(session, from_version)
            else:
                earlier = [v for v in brand_store.list_versions(session, new.slug)
                           if v.version != new.version()]
                if not earlier:
                    typer.echo(f"no earlier version of '{new.slug}' is stored; nothing to compare")
                    return
                old = _stored(session, earlier[-1].version)
        typer.echo(f"{old.version()} -> {new.version()}")
        typer.echo(format_diff(diff_brands(old, new)))


@app.command("approve-claim")
def approve_claim(folder: FolderArg,
                  claim_id: Annotated[str, typer.Argument(help="Claim id (or a unique prefix).")],
                  by: Annotated[str | None, typer.Option("--by", help="Who approves (default: your user "
                                                         "name).")] = None,
                  evidence: Annotated[str | None, typer.Option("--evidence", help="What substantiates the "
                                                               "claim, when it has no evidence yet.")] = None,
                  ) -> None:
    """Approve a candidate claim so copy may rely on it; a claim needs evidence first."""
    with exit_on_error():
        path = folder / BRAND_FILE
        brand = load_brand(path)
        claim = _find_claim(brand, claim_id, path)
        if claim.approved:
            typer.echo(f"claim {claim.id} is already approved (by {claim.approved_by or 'unknown'})")
            return
        if not (evidence or claim.evidence):
            raise InputError(f"claim {claim.id} has no evidence; pass --evidence TEXT saying what "
                             "substantiates it (study, test report, data)",
                             file=str(path), field=f"claims[{claim.id}]")
        approved = claim.model_copy(update={
            "approved": True, "approved_by": by or _user(), "approved_at": datetime.now(UTC),
            "evidence": evidence or claim.evidence})
        claims = [approved if c.id == claim.id else c for c in brand.claims]
        updated = brand.model_copy(update={"claims": claims})
        write_brand(folder, updated)
        factory = _store(folder)
        with transaction(factory) as session:
            if brand_store.get_version(session, brand.version()) is None:
                brand_store.record_version(session, brand, [])
            brand_store.record_version(session, updated, [], parent=brand.version())
            # subject: the new brand version, so every concept written from it traces back to this approval
            AuditLog(factory).append_in(session, kinds.BRAND_CLAIM_APPROVED, updated.version(),
                                        f"user:{approved.approved_by}", {
                                            "claim": approved.id, "statement": approved.statement,
                                            "evidence": approved.evidence, "by": approved.approved_by,
                                            "previous_version": brand.version()})
        typer.echo(f"approved claim {claim.id}: {claim.statement}")
        typer.echo(f"brand version {brand.version()} -> {updated.version()}")


def _find_claim(brand: BrandObject, claim_id: str, path: Path) -> Claim:
    matches = [c for c in brand.claims if c.id == claim_id] or \
              [c for c in brand.claims if c.id.startswith(claim_id)]
    if len(matches) == 1:
        return matches[0]
    if matches:
        raise InputError(f"claim id '{claim_id}' is ambiguous: {', '.join(c.id for c in matches)}",
                         file=str(path))
    raise NotFound(f"no claim '{claim_id}' in brand.yaml (ids: {', '.join(c.id for c in brand.claims)})",
                   file=str(path))


def _stored(session: Session, version: str) -> BrandObject:
    brand = brand_store.get_version(session, version)
    if brand is None:
        raise NotFound(f"brand version '{version}' is not stored")
    return brand


def _load_if_valid(path: Path) -> BrandObject | None:
    """On --force a broken brand.yaml is replaced rather than blocking the re-extraction."""
    try:
        return load_brand(path) if path.exists() else None
    except BrandObjectError:
        return None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
