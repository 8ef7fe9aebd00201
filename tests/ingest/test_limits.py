"""Hostile structure in inputs ends in one line naming file, line and field, with a non-zero exit and nothing
written: deep nesting (CSV dotted fields, JSON, YAML), YAML alias expansion, oversized cells and files, bare
CR line ends; an oversized page is cut with a warning. Real files, real `adloom` processes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from adloom.errors import BrandInputError
from adloom.ingest.forms import read_form
from adloom.ingest.html import read_html_file
from adloom.ingest.limits import MAX_DEPTH, MAX_FIELD_CHARS, MAX_HTML_BYTES
from tests.conftest import EXAMPLE_BRAND

ADLOOM = Path(sys.executable).parent / "adloom"


def _laughs() -> str:
    lines = ["brand_name: X", "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


HOSTILE = {
    "onboarding.csv": ("brand_name,X\n" + ".".join(["a"] * 3000) + ",v\n",
                       "onboarding.csv:2, field 'a.a.a", "field nested 3000 levels deep"),
    "onboarding.json": ('{"brand_name": "X",\n "a": ' + "[" * 100_000 + "]" * 100_000 + "}",
                        "onboarding.json:2", f"nested more than {MAX_DEPTH} levels deep"),
    "onboarding.yaml": ("brand_name: X\na: " + "[" * 900 + "]" * 900 + "\n",
                        "onboarding.yaml:2", f"nested more than {MAX_DEPTH} levels deep"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_deep_nesting_is_one_line_error(name: str) -> None:
    text, where, reason = HOSTILE[name]
    with pytest.raises(BrandInputError) as caught:
        read_form(text.encode(), name)
    assert str(caught.value).startswith(where) and reason in str(caught.value)


def test_billion_laughs_is_refused_fast() -> None:
    started = time.perf_counter()
    with pytest.raises(BrandInputError, match="expands to more than 100,000 values"):
        read_form(_laughs().encode(), "onboarding.yaml")
    assert time.perf_counter() - started < 5     # it took 173 s before the limit


def test_small_aliases_still_load() -> None:
    text = "brand_name: X\nvoice: &v {descriptors: [warm, plain]}\nvoice_copy: *v\n"
    assert read_form(text.encode(), "onboarding.yaml").documents[0].data["voice_copy"]["descriptors"] == [
        "warm", "plain"]


def test_oversized_field_and_file_are_refused() -> None:
    with pytest.raises(BrandInputError, match=r"onboarding.yaml, field 'tagline': 30,000 characters"):
        read_form(f"brand_name: X\ntagline: {'y' * 30_000}\n".encode(), "onboarding.yaml")
    with pytest.raises(BrandInputError, match=r"onboarding.csv:2, field 'tagline': 30,000 characters"):
        read_form(f"brand_name,X\ntagline,{'y' * 30_000}\n".encode(), "onboarding.csv")
    with pytest.raises(BrandInputError, match=r"onboarding.csv:2: a cell holds more than 131,072 characters"):
        read_form(f"brand_name,X\ntagline,{'y' * 140_000}\n".encode(), "onboarding.csv")
    with pytest.raises(BrandInputError, match="byte limit"):
        read_form(b"brand_name: X\n" + b"# pad\n" * 400_000, "onboarding.yaml")
    assert MAX_FIELD_CHARS < 30_000


def test_oversized_page_is_cut_and_said() -> None:
    para = "<p>Our trail shoe grips wet rock and dries overnight. </p>\n"
    html = "<html><body><h1>Shoes</h1>" + para * (MAX_HTML_BYTES // len(para) + 2000) + "</body></html>"
    result = read_html_file(html.encode(), "website/huge.html")
    assert result.documents
    assert any("only the first" in w.message for w in result.warnings), result.warnings


@pytest.mark.parametrize(("content", "expected"), [
    ("headline,body\n" + "Buy," + "x" * 40_000 + "\n", "copy.csv:2, field 'body': 40,000 characters"),
    ("headline,body\n" + "Buy," + "x" * 140_000 + "\n", "copy.csv:2: a cell holds more than 131,072"),
])
def test_check_file_limits_exit_nonzero(tmp_path: Path, content: str, expected: str) -> None:
    (tmp_path / "copy.csv").write_text(content, encoding="utf-8")
    result = subprocess.run([str(ADLOOM), "check", "--file", "copy.csv"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stderr[-500:])
    assert expected in " ".join(result.stderr.split()) and "Traceback" not in result.stderr


def test_check_file_reads_bare_cr_line_ends(tmp_path: Path) -> None:
    (tmp_path / "copy.csv").write_bytes(b"headline,body\rCure your back pain forever,Try it\r")
    result = subprocess.run([str(ADLOOM), "check", "--file", "copy.csv"], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120)
    assert "Traceback" not in result.stderr, result.stderr[-800:]
    assert "row 2" in result.stdout and result.returncode in (0, 1), (result.returncode, result.stdout[-500:])


def test_run_refuses_a_billion_laughs_form(tmp_path: Path) -> None:
    brand = tmp_path / "brand"
    shutil.copytree(EXAMPLE_BRAND, brand)
    (brand / "onboarding.yaml").write_text(_laughs(), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADLOOM_")}
    result = subprocess.run([str(ADLOOM), "run", str(brand), "--no-render", "--project", str(tmp_path),
                             "--out", str(tmp_path / "out")], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, (result.returncode, result.stderr[-800:])
    assert "onboarding.yaml:2: expands to more than 100,000 values" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
