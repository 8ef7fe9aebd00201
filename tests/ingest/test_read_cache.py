"""The per-file read cache: a rerun skips extraction, and any change to the file misses the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from adloom.ingest import html as html_reader
from adloom.pipeline import ingest

PAGE = b"<html><body><nav>Home | Shop</nav><article><h1>Quiet recovery</h1><p>" + b"Ten minutes a day. " * 30 \
    + b"</p></article><footer>(c) 2026</footer></body></html>"


async def test_second_read_comes_from_cache_and_edits_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "website").mkdir()
    page = tmp_path / "website" / "home.html"
    page.write_bytes(PAGE)
    first = await ingest.documents(tmp_path)
    calls = []
    real = html_reader.read_html

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(html_reader, "read_html", counting)
    second = await ingest.documents(tmp_path)
    assert second.documents == first.documents and not calls
    page.write_bytes(PAGE.replace(b"Ten minutes", b"Five minutes"))
    third = await ingest.documents(tmp_path)
    assert calls and "Five minutes" in third.documents[0].text


async def test_corrupt_cache_entry_is_ignored(tmp_path: Path) -> None:
    (tmp_path / "website").mkdir()
    (tmp_path / "website" / "home.html").write_bytes(PAGE)
    first = await ingest.documents(tmp_path)
    for entry in (tmp_path / ingest.READ_CACHE).glob("*.json"):
        entry.write_text("{not json")
    again = await ingest.documents(tmp_path)
    assert again.documents == first.documents
