"""``adloom audit``: verify the chain, trace an ad's lineage, export the log.

Every failure is one line on stderr and a non-zero exit: 1 for a broken chain, the error's own exit code
otherwise (see adloom.errors).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import NoReturn

import typer
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit.checkpoint import Checkpointer, generate_key, load_key
from adloom.audit.export import export, verify_export
from adloom.audit.lineage import lineages
from adloom.audit.trust import strict_report, verify_trusted
from adloom.audit.verify import VerifyReport
from adloom.cli.common import existing_store
from adloom.errors import AdloomError, InputError
from adloom.settings import Settings

app = typer.Typer(help="The tamper-evident audit trail: verify, lineage, export.", no_args_is_help=True)

ProjectOpt = typer.Option(Path("."), "--project", help="Project folder (holds .adloom/adloom.db).")


def _fail(message: str, code: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _store(project: Path) -> sessionmaker[Session]:
    # The same refusal (and exit 2) as every other read-only command: never a new empty database.
    return existing_store(project)


def _report(report: VerifyReport, as_json: bool) -> None:
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
    elif report.ok:
        typer.echo(report.summary())
    if not report.ok:
        if not as_json:
            typer.echo(report.summary(), err=True)
        raise typer.Exit(1)


def anchor_dir(project: Path) -> Path:
    """Where runs keep each store's anchor: PROJECT/.adloom/anchors/<store_id>.json."""
    return project / ".adloom" / "anchors"


def _store_dir(project: Path, settings: Settings) -> Path | None:
    url = settings.store_url(project)
    return Path(url.removeprefix("sqlite:///")).parent if url.startswith("sqlite:///") else None


def trusted_verify(factory: sessionmaker[Session], project: Path, settings: Settings, *,
                   anchor: Path | None = None, witness: Path | None = None) -> VerifyReport:
    """The chain checked against the store's anchor, the signing key and the witness the settings name:
    what ``audit verify`` reports, and what the API's /audit/verify reports for the same project."""
    public = (load_key(settings.audit_key, store_dir=_store_dir(project, settings)).public_key()
              if settings.audit_key else None)
    if witness is not None and not witness.exists():
        raise InputError(f"the audit witness {witness} does not exist")
    if witness is None and settings.audit_witness and "://" not in settings.audit_witness:
        witness = Path(settings.audit_witness)
    return verify_trusted(factory, anchor_dir=anchor_dir(project), anchor=anchor, public_key=public,
                          witness=witness)


def checkpointer_for(project: Path, settings: Settings) -> Checkpointer:
    """The checkpoint a run writes when it ends: keyed by store, signed and witnessed as settings say."""
    key = load_key(settings.audit_key, store_dir=_store_dir(project, settings)) if settings.audit_key else None
    return Checkpointer(anchor_dir(project), key=key, witness=settings.audit_witness)


@app.command("verify")
def verify_cmd(
    project: Path = ProjectOpt,
    export_dir: Path | None = typer.Option(None, "--export", help="Verify an export folder offline instead."),
    anchor: Path | None = typer.Option(None, "--anchor", help="Check the log against this anchor file "
                                       "(default: the store's own, PROJECT/.adloom/anchors/STORE_ID.json, "
                                       "which each run writes)."),
    witness: Path | None = typer.Option(None, "--witness", help="Also check every checkpoint of this store in "
                                        "a witness file (default: ADLOOM_AUDIT_WITNESS when it is a file)."),
    update_anchor: bool = typer.Option(False, "--update-anchor",
                                       help="After a clean verify, write a checkpoint of the current head "
                                            "(to --anchor, or the store's own anchor) and to the witness."),
    strict: bool = typer.Option(False, "--strict", help="Also fail when events were appended after the last "
                                "checkpoint (nothing outside the database vouches for them yet)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Recompute the hash chain and check it against the store's anchor, the signing key and the witness;
    report the first broken link and exit non-zero on a break. Says which anchor it used."""
    try:
        if export_dir is not None:
            report = verify_export(export_dir)
        else:
            settings = Settings()
            factory = _store(project)
            first_write = update_anchor and anchor is not None and not anchor.exists()
            report = trusted_verify(factory, project, settings, anchor=None if first_write else anchor,
                                    witness=witness)
            if report.ok and strict:
                report = strict_report(report)
            if report.ok and update_anchor:
                writer = checkpointer_for(project, settings)
                writer.anchor_file = anchor
                writer.write(factory)
    except AdloomError as exc:
        _fail(str(exc), exc.exit_code)
    _report(report, as_json)


@app.command("keygen")
def keygen_cmd(
    path: Path = typer.Argument(..., help="Where to write the new private key (kept outside the project's "
                                          "store); then set ADLOOM_AUDIT_KEY to this path."),
) -> None:
    """Make an Ed25519 key for signing audit checkpoints (mode 0600, never overwrites)."""
    try:
        ident = generate_key(path)
    except AdloomError as exc:
        _fail(str(exc), exc.exit_code)
    except OSError as exc:
        _fail(f"cannot write {path}: {exc.strerror or exc}", 2)
    typer.echo(f"wrote Ed25519 key {ident} to {path}; set ADLOOM_AUDIT_KEY={path}")


@app.command("lineage")
def lineage_cmd(
    ref: str = typer.Argument(..., help="Concept id (or 8+ char prefix), asset id, ad name, or file."),
    project: Path = ProjectOpt,
    as_json: bool = typer.Option(False, "--json", help="Print the lineage as JSON."),
) -> None:
    """Print the decision path of an ad: brand inputs, model and prompt, rules fired, approvals, export."""
    try:
        found = lineages(_store(project), ref)
    except AdloomError as exc:
        _fail(str(exc), exc.exit_code)
    except OSError as exc:
        _fail(f"cannot read '{ref}': {exc.strerror or exc}", 2)
    if as_json:
        data = [lin.model_dump(mode="json") for lin in found]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        typer.echo("\n\n".join(lin.to_text() for lin in found))


def _parse_since(value: str | None) -> date | datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--since '{value}' is not a date (YYYY-MM-DD) or ISO timestamp") from None


@app.command("export")
def export_cmd(
    out: Path = typer.Option(..., "--out", help="Folder to write events.jsonl and manifest.json to."),
    since: str | None = typer.Option(None, "--since", help="First day to export (YYYY-MM-DD); default all."),
    project: Path = ProjectOpt,
) -> None:
    """Write events as JSONL plus a manifest, verifiable offline with `adloom audit verify --export`."""
    try:
        manifest = export(_store(project), out, since=_parse_since(since))
    except AdloomError as exc:
        _fail(str(exc), exc.exit_code)
    except OSError as exc:
        _fail(f"cannot write the export to {out}: {exc.strerror or exc}", 2)
    span = f"seq {manifest.first_seq}..{manifest.last_seq}" if manifest.events else "nothing to export"
    typer.echo(f"exported {manifest.events} events ({span}) to {out}")
