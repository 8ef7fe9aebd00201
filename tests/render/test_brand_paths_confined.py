"""Paths from brand data stay inside the brand folder: a logo symlinked (or named) outside it is not read,
and the run says so. A real `adloom run` that renders, on a copy of the example brand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from PIL import Image

from adloom.render.base import confined
from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).parent / "adloom"
SECRET = (255, 0, 255)       # a colour no brand asset or palette uses


def test_a_logo_symlinked_outside_the_brand_folder_is_refused(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(EXAMPLE_BRAND, brand)
    secret = tmp_path / "outside" / "secret.png"
    secret.parent.mkdir()
    Image.new("RGBA", (400, 400), (*SECRET, 255)).save(secret)
    (brand / "assets" / "logo.png").unlink()
    (brand / "assets" / "logo.png").symlink_to(secret)
    (brand / "assets" / "photo-leak.jpg").symlink_to(secret)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    ran = subprocess.run([str(ADLOOM), "run", str(brand), "--angles", "1", "--platforms", "meta",
                          "--project", str(tmp_path), "--out", str(tmp_path / "out")],
                         env=env, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stderr[-2000:]
    assert "outside the brand folder" in ran.stdout, ran.stdout[-2000:]
    images = list((tmp_path / "out").rglob("*.png"))
    assert images
    for image in images:             # the secret file's pixels are in no rendered ad
        colours = Image.open(image).convert("RGB").getcolors(maxcolors=1 << 20) or []
        assert not any(rgb == SECRET for _, rgb in colours), image


def test_confined_refuses_dot_dot_absolute_and_symlinks(tmp_path: Path) -> None:
    (tmp_path / "brand" / "assets").mkdir(parents=True)
    (tmp_path / "brand" / "assets" / "ok.png").write_bytes(b"x")
    (tmp_path / "brand" / "assets" / "out.png").symlink_to(tmp_path / "elsewhere.png")
    assert confined(tmp_path / "brand", "assets/ok.png") == (tmp_path / "brand" / "assets" / "ok.png").resolve()
    for bad in ("../elsewhere.png", str(tmp_path / "elsewhere.png"), "assets/out.png", "/etc/passwd"):
        try:
            confined(tmp_path / "brand", bad)
        except ValueError as exc:
            assert "outside the brand folder" in str(exc)
        else:
            raise AssertionError(f"{bad} was not refused")
