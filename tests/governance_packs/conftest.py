"""Fixtures: a project folder with user packs, and pack text builders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adloom.governance import matcher

PACK = """\
id: custom
version: "1"
rules:
  - id: custom.sale
    description: says sale
    category: urgency_scarcity
    severity: {severity}
    terms: [mega sale]
    fix_hint: Drop it.
    source: test
    checked: 2026-11-01
"""


def pack_text(severity: str = "review") -> str:
    return PACK.format(severity=severity)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "packs").mkdir()
    return tmp_path


@pytest.fixture(autouse=True)
def _fresh_matchers() -> Iterator[None]:
    matcher.clear_cache()
    yield
    matcher.clear_cache()
