"""CI: the built wheel carries every file the package reads at run time.

Usage: python .ci/check_wheel.py dist/adloom-*.whl

Every file git tracks under src/adloom/ must be in the wheel (a data file left out of the build would only
show on a user's machine), and each kind of package data the pipeline needs is named once more, so an empty
folder cannot pass by having nothing to compare.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from fnmatch import fnmatch
from pathlib import PurePosixPath

NEEDED = {
    "report templates": "adloom/data/templates/*.j2",
    "rule packs": "adloom/data/packs/*.yaml",
    "Rego policies": "adloom/data/policies/*.rego",
    "policy data": "adloom/data/policies/data.json",
    "fonts": "adloom/data/fonts/*.ttf",
    "tokenizer": "adloom/data/models/*/tokenizer.json",
    "prompt templates": "adloom/writers/prompts/*",
    "migrations": "adloom/store/migrations/versions/*.py",
    "brand scaffold": "adloom/data/scaffold/onboarding.yaml",
}


def main(wheel: str) -> int:
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = subprocess.run(["git", "ls-files", "src/adloom"], check=True, capture_output=True,
                             text=True).stdout.split()
    expected = {str(PurePosixPath(p).relative_to("src")) for p in tracked}
    missing = sorted(expected - names)
    absent = [kind for kind, pattern in NEEDED.items() if not any(fnmatch(n, pattern) for n in names)]
    for name in missing:
        print(f"wheel {wheel}: missing {name}", file=sys.stderr)
    for kind in absent:
        print(f"wheel {wheel}: no {kind} ({NEEDED[kind]})", file=sys.stderr)
    if missing or absent:
        return 1
    print(f"wheel {wheel}: all {len(expected)} tracked package files present "
          f"({len(names)} entries; {', '.join(NEEDED)})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
