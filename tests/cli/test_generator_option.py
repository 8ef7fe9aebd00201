"""`adloom run --generator KIND=SPEC`: render generators chosen on the command line, checked before the run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader
from typer.testing import CliRunner

from adloom.cli.main import app
from adloom.cli.run import parse_generators
from adloom.errors import ConfigError
from tests.conftest import EXAMPLE_BRAND

runner = CliRunner()


def test_pairs_are_parsed_and_checked() -> None:
    assert parse_generators(["image=openai-images:gpt-image-1", "Video = none", "brief_pdf=brief:letter"]) == {
        "image": "openai-images:gpt-image-1", "video": None, "brief_pdf": "brief:letter"}
    with pytest.raises(ConfigError, match="KIND=SPEC"):
        parse_generators(["poster=static"])
    with pytest.raises(ConfigError, match="KIND=SPEC"):
        parse_generators(["image"])
    with pytest.raises(ConfigError, match="did you mean 'runway'"):
        parse_generators(["video=runwya"])


def test_a_bad_generator_is_one_line_and_exit_2_before_anything_is_written(tmp_path: Path) -> None:
    result = runner.invoke(app, ["run", str(tmp_path / "nope"), "--generator", "image=statik",
                                 "--project", str(tmp_path)])
    assert result.exit_code == 2 and "did you mean 'static'" in result.output
    assert not (tmp_path / ".adloom").exists()


def test_the_run_renders_with_the_chosen_generators(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    db_url: str) -> None:
    """Letter briefs instead of A4, and no images, animatics or Markdown briefs: only what was asked for."""
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    shutil.copytree(EXAMPLE_BRAND, tmp_path / "restwave", ignore=shutil.ignore_patterns(".adloom", "brand.yaml"))
    result = runner.invoke(app, ["run", str(tmp_path / "restwave"), "--out", str(tmp_path / "out"),
                                 "--project", str(tmp_path), "--platforms", "meta", "--angles", "1",
                                 "--generator", "brief_pdf=brief:letter", "--generator", "image=none",
                                 "--generator", "video=none", "--generator", "brief_md=none"])
    assert result.exit_code == 0, result.output
    assets = sorted((tmp_path / "out").rglob("assets/*.*"))
    made = [p for p in assets if p.suffix in (".png", ".mp4", ".md", ".pdf")]
    assert made and all(p.suffix == ".pdf" for p in made)
    for pdf in made:
        page = PdfReader(str(pdf)).pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)
