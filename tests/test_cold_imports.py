"""Issue 17 (`adloom --help` <= 0.5 s): what a cold `adloom` process imports, read from the interpreter itself.

Each case is a fresh `python -X importtime -m adloom.cli.main ...`, the same module the `adloom` script calls,
with no probe code in the process; the modules it loaded are the names importtime lists. A module-level
import of a heavy dependency anywhere on the path of `--help` fails here, whatever the machine's speed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

# Needed by no listing: the store, the models and their runtimes, the governance engines, rendering.
HEAVY = ("sqlalchemy", "alembic", "numpy", "pydantic", "onnxruntime", "tokenizers", "hyperscan", "regorus",
         "PIL", "trafilatura", "jinja2", "adloom.store", "adloom.governance", "adloom.pipeline")
# Loaded only once a run needs them, never to list a command's options.
RUN_HELP_HEAVY = ("onnxruntime", "tokenizers", "hyperscan", "PIL")


def imported(*args: str) -> tuple[int, str, set[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "adloom.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    names = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
             if line.startswith("import time:") and line.count("|") == 2}
    names.discard("imported package")       # importtime's header line
    return done.returncode, done.stdout, names


def heavy_in(names: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == p or n.startswith(f"{p}.") for p in prefixes))


@pytest.mark.parametrize("args", [("--help",), (), ("--version",)], ids=["help", "no-args", "version"])
def test_the_listing_imports_no_heavy_module(args: tuple[str, ...]) -> None:
    code, out, names = imported(*args)
    assert code in (0, 2), out          # click exits 2 after printing the help for no arguments
    assert {"typer", "adloom.cli"} <= names       # the parse saw the imports at all (main runs as __main__)
    assert ("adloom 0." in out) if args == ("--version",) else ("Run the whole pipeline" in out)
    assert heavy_in(names, HEAVY) == []


def test_run_help_loads_no_model_runtime_or_render_stack() -> None:
    code, out, names = imported("run", "--help")
    assert code == 0 and "--no-render" in out
    assert "adloom.pipeline.run" in names       # the run command was loaded (its module imports the driver)
    assert heavy_in(names, RUN_HELP_HEAVY) == []


def test_embedders_sharing_memory_embed_a_text_once_and_save_only_their_own_keys(tmp_path: Path) -> None:
    """default_embedder's instances share vectors (the formula writer's hooks are not embedded again by
    governance), but a project's cache file takes in only what that project's embedder read or asked for."""
    import numpy as np

    from adloom.governance.embeddings import CachedEmbedder, HashedBagOfWords

    class Counting(HashedBagOfWords):
        calls: list[list[str]] = []

        def embed(self, texts):  # type: ignore[no-untyped-def]
            self.calls.append(list(texts))
            return super().embed(texts)

    shared: dict = {}
    writer = CachedEmbedder(Counting(), memory=shared)
    project = CachedEmbedder(Counting(), cache_dir=tmp_path, memory=shared)
    writer.embed(["Sleep cooler tonight.", "Another brand's hook."])
    vectors = project.embed(["Sleep cooler tonight."])
    assert Counting.calls == [["Sleep cooler tonight.", "Another brand's hook."]]      # embedded once
    assert np.array_equal(vectors[0], HashedBagOfWords().embed(["Sleep cooler tonight."])[0])
    project.save()
    with np.load(next(tmp_path.glob("*.npz"))) as stored:
        assert set(stored.files) == {CachedEmbedder.key("Sleep cooler tonight.")}


def test_a_store_at_its_heads_opens_without_alembic(tmp_path: Path) -> None:
    """An existing project's store is checked against the migration files' heads without alembic (and mako,
    pygments): only a store that needs a migration loads it. The heads read from the files are alembic's."""
    from alembic.script import ScriptDirectory

    from adloom.store import db

    url = db.sqlite_url(tmp_path / "adloom.db")
    db.open_store(url)      # a new store: migrated by alembic
    assert db._heads() == set(ScriptDirectory.from_config(db.alembic_config(db.make_engine(url))).get_heads())
    probe = ("import sys; from adloom.store.db import open_store; open_store(sys.argv[1]); "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('alembic', 'mako', 'pygments')))")
    done = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "[]"
