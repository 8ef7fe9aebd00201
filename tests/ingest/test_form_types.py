"""Wrong types in the brand form and personas are refused with file, field and reason (exit 2, one line),
never coerced or dropped. Real `adloom run` processes on edited copies of the example brand."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).parent / "adloom"


def _edited(tmp_path: Path, file: str, **changes: object) -> Path:
    brand = tmp_path / "brand"
    shutil.copytree(EXAMPLE_BRAND, brand)
    path = brand / file
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return brand


@pytest.mark.parametrize(("file", "changes", "expected"), [
    ("onboarding.yaml", {"claims": 5}, "onboarding.yaml, field 'claims': must be a list"),
    ("onboarding.yaml", {"products": {"a": 1}}, "onboarding.yaml, field 'products': must be a list"),
    ("onboarding.yaml", {"avoid": [{"x": 1}]}, "onboarding.yaml, field 'avoid.0': each item must be text"),
    ("onboarding.yaml", {"voice": "warm"}, "onboarding.yaml, field 'voice': must be a mapping"),
    ("onboarding.yaml", {"tagline": ["a", "b"]}, "onboarding.yaml, field 'tagline': must be text"),
    ("personas/masters-athletes.yaml", {"age_min": 90, "age_max": 55},
     "field 'age_min': age_min 90 is above age_max 55"),
    ("personas/masters-athletes.yaml", {"age_min": "fifty"}, "field 'age_min': must be a whole number"),
])
def test_wrong_types_are_refused_with_file_field_and_reason(tmp_path: Path, file: str, changes: dict[str, object],
                                                            expected: str) -> None:
    brand = _edited(tmp_path, file, **changes)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    result = subprocess.run([str(ADLOOM), "run", str(brand), "--no-render", "--project", str(tmp_path),
                             "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, (result.returncode, result.stderr[-800:])
    message = " ".join(result.stderr.split())
    assert expected in message, message
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
