"""Ingest benchmark: the example brand folder and saved pages of growing size, cold process beside warm.

    .venv/bin/python bench/bench_ingest.py [--sizes 0.5,1,2,20] [--repeat 3]

Cold: a fresh ``python`` process reads the folder (imports included), wall seconds and peak RSS of that
process. Warm: the same call again in this process with the read cache cleared (what a second brand in a
long-lived server costs). Pages: one synthetic product page of N MB read by ``read_html_file`` in a fresh
process each, so peak RSS is the page's own; a page over ``MAX_HTML_BYTES`` is cut, so a 20 MB page costs
what a 3 MB one does. Baseline: issue 16 measured ~2 s and ~75 MB per MB of page, a 20 MB page 64 s and
1.5 GB. Hostile forms (billion laughs, JSON nested 100,000 deep) are timed to their one-line refusal.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "restwave"
BASELINE_S_PER_MB, BASELINE_MB_PER_MB, BASELINE_20MB_S = 2.0, 75.0, 64.0

_CHILD = """
import asyncio, json, resource, sys, time
t = time.perf_counter()
mode, path = sys.argv[1], sys.argv[2]
if mode == "folder":
    from pathlib import Path
    from adloom.pipeline.ingest import documents
    n = len(asyncio.run(documents(Path(path))).documents)
else:
    from adloom.ingest.html import read_html_file
    n = len(read_html_file(open(path, "rb").read(), "website/page.html").documents)
print(json.dumps({"s": time.perf_counter() - t, "docs": n,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _child(mode: str, path: Path) -> dict[str, float]:
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _CHILD, mode, str(path)], capture_output=True, text=True,
                         check=True, timeout=600)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - started
    return result


def _page(path: Path, megabytes: float) -> None:
    para = ("<p>Our trail shoe grips wet rock, drains in a minute and dries overnight; runners in the Alps "
            "wore it for 900 km. Free returns for 30 days.</p>\n")
    body = [f"<h2>Section {i}</h2>\n" + para * 40 for i in range(int(megabytes * 1_000_000 / (len(para) * 40)) + 1)]
    path.write_text("<html><head><title>Shoes</title></head><body><h1>Shoes</h1>" + "".join(body)
                    + "</body></html>", encoding="utf-8")


def _hostile(tmp: Path) -> dict[str, float]:
    from adloom.errors import BrandInputError
    from adloom.ingest.forms import read_form
    lines = ["brand_name: X", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]" for i in range(1, 9)]
    cases = {"billion_laughs.yaml": "\n".join(lines) + "\n",
             "deep.json": '{"brand_name": "X", "a": ' + "[" * 100_000 + "]" * 100_000 + "}"}
    times = {}
    for name, text in cases.items():
        started = time.perf_counter()
        with contextlib.suppress(BrandInputError):
            read_form(text.encode(), name)
        times[name] = time.perf_counter() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="0.5,1,2,20")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    from adloom.pipeline.ingest import READ_CACHE, documents
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores)")
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        brand = tmp / "brand"
        shutil.copytree(EXAMPLE, brand, ignore=shutil.ignore_patterns(".adloom"))
        cold = [_child("folder", brand) for _ in range(args.repeat)]
        shutil.rmtree(brand / ".adloom", ignore_errors=True)
        warm = []
        for _ in range(args.repeat + 1):
            shutil.rmtree(brand / READ_CACHE, ignore_errors=True)
            started = time.perf_counter()
            asyncio.run(documents(brand))
            warm.append(time.perf_counter() - started)
        best_cold = min(c["wall"] for c in cold)
        print(f"example brand folder ({cold[0]['docs']:.0f} documents): cold process {best_cold:.2f} s wall "
              f"(ingest {min(c['s'] for c in cold):.2f} s of it, peak RSS {cold[0]['rss_mb']:.0f} MB); "
              f"warm {min(warm[1:]):.3f} s; cold/warm {best_cold / min(warm[1:]):.0f}x")
        sizes = [float(s) for s in args.sizes.split(",")]
        # a 10 kB page: what every page costs whatever its size (imports, the MiniLM model the screen loads)
        tiny = tmp / "page_tiny.html"
        _page(tiny, 0.01)
        fixed = _child("page", tiny)
        print(f"page  0.01 MB: {fixed['s']:6.2f} s, peak RSS {fixed['rss_mb']:5.0f} MB (fixed cost, "
              "subtracted below)")
        for mb in sizes:
            page = tmp / f"page_{mb}.html"
            _page(page, mb)
            real_mb = page.stat().st_size / 1e6
            r = _child("page", page)
            s_per_mb = max(r["s"] - fixed["s"], 0.0) / min(real_mb, 3.0)   # a bigger page is read up to 3 MB
            rss_per_mb = max(r["rss_mb"] - fixed["rss_mb"], 0.0) / min(real_mb, 3.0)
            ratio = (f"vs baseline {BASELINE_20MB_S / r['s']:.1f}x faster (64 s)" if mb >= 20 else
                     f"{BASELINE_S_PER_MB / max(s_per_mb, 1e-3):.1f}x the baseline's speed")
            print(f"page {real_mb:5.1f} MB: {r['s']:6.2f} s, peak RSS {r['rss_mb']:5.0f} MB; beyond the fixed cost "
                  f"{s_per_mb:.2f} s and {rss_per_mb:4.0f} MB per MB read (baseline {BASELINE_S_PER_MB:.0f} s, "
                  f"{BASELINE_MB_PER_MB:.0f} MB), {ratio}")
        for name, seconds in _hostile(tmp).items():
            before = {"billion_laughs.yaml": "accepted after 173 s", "deep.json": "a RecursionError traceback"}[name]
            print(f"hostile {name}: refused in {seconds * 1000:.0f} ms (before: {before})")


if __name__ == "__main__":
    main()
