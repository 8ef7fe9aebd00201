"""A finished render changed or truncated on disk is never reused: the rerun makes it again and says so in
one line (issue 16, item 4). Real files through the render journal that an interrupted run resumes from."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from adloom.pipeline.render import RenderOutcome
from adloom.pipeline.render_journal import RenderJournal
from adloom.types import Asset, sha256_file


def _finished(run_dir: Path) -> Asset:
    assets = run_dir / "assets"
    assets.mkdir(parents=True)
    path = assets / "ad_1x1.png"
    Image.new("RGB", (48, 48), (10, 120, 200)).save(path)
    asset = Asset(id="a1", concept_id="c1", kind="image", path="assets/ad_1x1.png", media_type="image/png",
                  sha256=sha256_file(path), generator="fake")
    journal = RenderJournal(assets)
    journal.record("k1", asset, [])
    journal.close(completed=False)
    return asset


def test_an_intact_file_is_reused(tmp_path: Path) -> None:
    asset = _finished(tmp_path)
    journal = RenderJournal(tmp_path / "assets")
    assert journal.reusable("k1", tmp_path) == (asset, []) and journal.changed == []


def test_a_truncated_file_is_made_again_and_said_once(tmp_path: Path) -> None:
    asset = _finished(tmp_path)
    path = tmp_path / asset.path
    path.write_bytes(path.read_bytes()[:40])
    journal = RenderJournal(tmp_path / "assets")
    assert journal.reusable("k1", tmp_path) is None
    assert journal.changed == ["assets/ad_1x1.png"]
    outcome = RenderOutcome(changed=sorted(set(journal.changed)))
    assert outcome.messages() == ["assets/ad_1x1.png: changed or truncated on disk since it was rendered "
                                  "(SHA-256 differs); rendered again"]


def test_a_deleted_file_is_made_again_without_a_warning(tmp_path: Path) -> None:
    asset = _finished(tmp_path)
    (tmp_path / asset.path).unlink()
    journal = RenderJournal(tmp_path / "assets")
    assert journal.reusable("k1", tmp_path) is None and journal.changed == []
