"""One finished run of the example brand (Meta only, rendered) per test process, and a private copy of its
store per test: a run takes ~40 s, a copy of its SQLite file a few milliseconds.

The run's files stay where the run wrote them (the store names them by absolute path); tests only read them.
"""

from __future__ import annotations

import atexit
import csv
import shutil
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from typer.testing import CliRunner

from adloom.cli.main import app
from tests.conftest import EXAMPLE_BRAND

CAMPAIGN_YAML = """\
name: Restwave Spring
objective: OUTCOME_SALES
countries: [US, CA]
age_min: 25
age_max: 65
vertical: general
link: https://restwave.example/pulse
daily_budget: 40
meta_page_id: "104857600"
"""


@dataclass(frozen=True)
class FinishedRun:
    root: Path
    db: Path
    run_id: str
    run_dir: Path

    def rows(self) -> list[dict[str, str]]:
        """The run's Meta bulk CSV: what the deploy must match, row for row."""
        with (self.run_dir / "exports" / "meta_bulk.csv").open(encoding="utf-8-sig") as fh:
            return list(csv.DictReader(fh))

    def ad_names(self) -> list[str]:
        return [row["Ad Name"] for row in self.rows()]


@cache
def finished_run() -> FinishedRun:
    root = Path(tempfile.mkdtemp(prefix="adloom-deploy-"))
    atexit.register(shutil.rmtree, root, True)
    brand = root / "restwave"
    shutil.copytree(EXAMPLE_BRAND, brand, ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    (brand / "campaign.yaml").write_text(CAMPAIGN_YAML, encoding="utf-8")
    db = root / "run.db"
    result = CliRunner().invoke(app, ["run", str(brand), "--platforms", "meta", "--out", str(root / "out"),
                                      "--project", str(root)], env={"ADLOOM_DATABASE_URL": f"sqlite:///{db}"})
    assert result.exit_code == 0, result.output
    run_dir = next((root / "out" / "restwave").iterdir())
    return FinishedRun(root=root, db=db, run_id=run_dir.name, run_dir=run_dir)


def project_copy(tmp: Path) -> tuple[Path, str]:
    """A project folder of its own holding a copy of the finished run's store; returns (folder, database URL)."""
    run = finished_run()
    project = tmp / "project"
    project.mkdir()
    db = project / "adloom.db"
    with closing(sqlite3.connect(run.db)) as source, closing(sqlite3.connect(db)) as target:
        source.backup(target)        # the store runs in WAL mode: a file copy could miss the latest pages
    return project, f"sqlite:///{db}"
