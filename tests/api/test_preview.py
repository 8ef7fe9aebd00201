"""A queued concept's creative on the desk: the static ad and the animatic's opening frame, drawn on demand
with the run's renderer (the pipeline renders approved concepts only), cached, and only for queued items."""

from __future__ import annotations

import io
from pathlib import Path

from fastapi.testclient import TestClient
from PIL import Image

from adloom.platforms import PLACEMENTS

from .conftest import login
from .seed import Seeded

HTML = {"accept": "text/html"}


def test_item_page_shows_the_drawn_creative(app_client: TestClient, seeded: Seeded, tmp_path: Path) -> None:
    login(app_client, "rita")
    cid = seeded.queued[0]
    page = app_client.get(f"/desk/items/{cid}", headers=HTML)
    assert f'src="/desk/items/{cid}/preview/image"' in page.text
    assert f'src="/desk/items/{cid}/preview/poster"' in page.text
    sizes = {}
    for kind, placement in (("image", "meta_feed_square"), ("poster", "tiktok_infeed")):
        resp = app_client.get(f"/desk/items/{cid}/preview/{kind}")
        assert resp.status_code == 200 and resp.headers["content-type"] == "image/png"
        img = Image.open(io.BytesIO(resp.content))
        sizes[kind] = img.size
        assert img.size == (PLACEMENTS[placement].width, PLACEMENTS[placement].height)
        assert len(img.convert("RGB").resize((32, 32)).getcolors(1024) or []) > 8     # drawn, not flat
    assert sizes["image"] != sizes["poster"]
    cached = sorted((tmp_path / ".adloom" / "cache" / "previews").glob(f"{cid}_*.png"))
    assert len(cached) == 2
    stamp = [p.stat().st_mtime_ns for p in cached]
    assert app_client.get(f"/desk/items/{cid}/preview/image").status_code == 200
    assert [p.stat().st_mtime_ns for p in cached] == stamp          # drawn once, then served from the cache
    assert app_client.get(f"/desk/items/{cid}/preview/video").status_code == 404
    assert app_client.get("/desk/items/not-queued/preview/image").status_code == 404


def test_preview_needs_a_reviewer(app_client: TestClient, seeded: Seeded) -> None:
    resp = app_client.get(f"/desk/items/{seeded.queued[0]}/preview/image")
    assert resp.status_code == 401
