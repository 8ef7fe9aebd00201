"""The embedding cache on disk: a write cut off leaves the old cache whole, and an unreadable cache is an
empty one with a warning, never a crash of every later run. Real processes, real files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

from adloom.governance.embeddings import CachedEmbedder, HashedBagOfWords
from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).parent / "adloom"

# A child that grows the cache well past a 64 KB file-size limit and saves: the write fails part-way.
_CUT_OFF_SAVE = textwrap.dedent("""
    import resource, signal, sys
    from pathlib import Path
    from adloom.governance.embeddings import CachedEmbedder, HashedBagOfWords
    cached = CachedEmbedder(HashedBagOfWords(), cache_dir=Path(sys.argv[1]))
    cached.embed([f"text number {i}" for i in range(2000)])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)      # a failed write, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (64_000, 64_000))
    cached.save()
""")


def _cache_file(folder: Path) -> Path:
    files = list(folder.glob("*.npz"))
    assert len(files) == 1, files
    return files[0]


def test_a_save_cut_off_leaves_the_previous_cache_whole(tmp_path: Path) -> None:
    first = CachedEmbedder(HashedBagOfWords(), cache_dir=tmp_path)
    expected = first.embed(["quiet massager", "deep sleep"])
    first.save()
    before = _cache_file(tmp_path).read_bytes()
    child = subprocess.run([sys.executable, "-c", _CUT_OFF_SAVE, str(tmp_path)], capture_output=True, text=True)
    assert child.returncode != 0 and "File too large" in child.stderr    # the save really failed
    assert _cache_file(tmp_path).read_bytes() == before                   # ... and the cache is untouched
    assert not list(tmp_path.glob("*.tmp"))                               # no temporary file left behind
    again = CachedEmbedder(HashedBagOfWords(), cache_dir=tmp_path)
    assert np.array_equal(again.embed(["quiet massager", "deep sleep"]), expected) and again.misses == 0


def test_a_half_written_cache_is_an_empty_cache_with_a_warning(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(EXAMPLE_BRAND, brand)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    command = [str(ADLOOM), "run", str(brand), "--no-render", "--angles", "1", "--out", str(tmp_path / "out"),
               "--project", str(tmp_path)]
    assert subprocess.run(command, env=env, capture_output=True, text=True).returncode == 0
    cache = _cache_file(tmp_path / ".adloom" / "cache" / "embeddings")
    cache.write_bytes(cache.read_bytes()[: cache.stat().st_size // 2])        # as a killed writer left it
    rerun = subprocess.run([*command, "--force"], env=env, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert "embedding cache" in rerun.stderr and "unreadable" in rerun.stderr
    assert "Traceback" not in rerun.stderr
    with np.load(cache) as stored:          # rewritten whole at the end of the run
        assert len(stored.files) > 0
