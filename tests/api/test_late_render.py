"""A concept a reviewer approves after its run ships with real files: the re-export renders its image into the
run's assets folder (the pipeline renders approved concepts only), records it in the audit chain, and keeps
every file the run made."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from PIL import Image
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.audit import kinds
from adloom.cli.main import app as cli
from adloom.naming import parse_ad_name
from adloom.store.tables import AuditEventRow
from tests.api.seed import seed


def test_a_concept_approved_at_the_desk_ships_with_its_rendered_files(
        store: sessionmaker[Session], tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ADLOOM_DATABASE_URL", store.kw["bind"].url.render_as_string(hide_password=False))
    seeded = seed(store, tmp_path, 1, render=True)
    keep = seeded.queued[0]
    out_dir = seeded.result.outputs["meta"].parents[1]
    assets = out_dir / "assets"
    before = json.loads((assets / "manifest.json").read_text())["assets"]
    assert before and not any(a["concept_id"] == keep for a in before)       # held: nothing rendered yet

    runner = CliRunner()
    ok = runner.invoke(cli, ["review", "approve", keep[:10], "--by", "dana", "--project", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    out = runner.invoke(cli, ["review", "export", "--by", "dana", "--project", str(tmp_path)])
    assert out.exit_code == 0, out.output

    with seeded.result.outputs["meta"].open(encoding="utf-8-sig") as fh:
        rows = [r for r in csv.DictReader(fh) if parse_ad_name(r["Ad Name"]).concept == keep[:8]]
    assert rows
    for row in rows:
        name = row["Image File Name"] or row["Video File Name"]
        assert name, row
        files = list(assets.rglob(name))
        assert len(files) == 1, name
        if row["Image File Name"]:
            with Image.open(files[0]) as img:
                img.verify()
    after = json.loads((assets / "manifest.json").read_text())["assets"]
    assert {a["path"] for a in before} < {a["path"] for a in after}              # nothing the run made is lost
    with store() as session:
        actors = session.scalars(select(AuditEventRow.actor).where(
            AuditEventRow.subject == keep, AuditEventRow.kind == kinds.ASSET_RENDERED)).all()
    assert actors and set(actors) == {"dana"}
