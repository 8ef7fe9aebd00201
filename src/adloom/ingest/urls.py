"""``urls.txt``: one URL a line, ``#`` comments allowed; each page goes through the HTML reader."""

from __future__ import annotations

import asyncio
import re

from adloom.errors import BrandInputError, FetchError
from adloom.ingest.decode import decode_utf8
from adloom.ingest.fetch import FetchOptions, fetch_page, http_client
from adloom.ingest.html import read_html
from adloom.ingest.result import IngestResult
from adloom.types import Provenance

URLS_FILE = "urls.txt"
MAX_PARALLEL_FETCHES = 4
_TRAILING_COMMENT = re.compile(r"\s+#.*$")


def listed_urls(text: str) -> list[tuple[int, str]]:
    """(line number, URL) pairs; blank lines, comments and repeats of an earlier URL are left out."""
    seen: set[str] = set()
    urls = []
    for number, line in enumerate(text.split("\n"), start=1):
        url = _TRAILING_COMMENT.sub("", line).strip()
        if url and not url.startswith("#") and url not in seen:
            seen.add(url)
            urls.append((number, url))
    return urls


async def read_urls(raw: bytes, options: FetchOptions, relpath: str = URLS_FILE) -> IngestResult:
    """Fetch every listed page; a page that fails is a warning naming ``urls.txt:LINE`` and the URL."""
    try:
        text = decode_utf8(raw, relpath)
    except BrandInputError as exc:
        return IngestResult.warning(relpath, f"{exc.message}; skipped")
    urls = listed_urls(text)
    gate = asyncio.Semaphore(MAX_PARALLEL_FETCHES)
    async with http_client(options) as client:

        async def one(line: int, url: str) -> IngestResult:
            async with gate:
                try:
                    page = await fetch_page(url, options, client)
                except FetchError as exc:
                    return IngestResult.warning(relpath, f"{url}: {exc.message}; skipped", line)
            origin = Provenance(file=relpath, line_start=line, line_end=line, url=url)
            return read_html(page.html, origin)

        results = await asyncio.gather(*(one(line, url) for line, url in urls))
    merged = IngestResult()
    for result in results:      # gather keeps input order, so the output follows urls.txt
        merged.extend(result)
    return merged
