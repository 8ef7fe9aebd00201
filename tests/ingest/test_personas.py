from __future__ import annotations

import pytest

from adloom.errors import BrandInputError
from adloom.ingest.personas import read_personas

ONE = """id: weekend-warriors
label: Weekend warriors
description: Amateur runners and cyclists, 28-45, who train hard on weekends.
age_min: 28
age_max: 45
pain_points: [waking up sore, tight hamstrings]
language_patterns: ["my legs feel like concrete"]
"""

LIST = """personas:
  - id: desk-athletes
    label: Desk athletes
    pain_points: [stiff neck]
  - id: new-parents
    label: New parents
    desires: [ten minutes for myself]
"""


def test_one_persona_per_file() -> None:
    (doc,) = read_personas(ONE.encode(), "personas/weekend.yaml").documents
    assert doc.kind == "persona"
    assert doc.data is not None and doc.data["pain_points"] == ["waking up sore", "tight hamstrings"]
    assert doc.title == "Weekend warriors"
    assert (doc.provenance.section, doc.provenance.line_start, doc.provenance.line_end) == (
        "weekend-warriors", 1, 7)
    assert doc.text.splitlines()[:3] == [
        "Weekend warriors (weekend-warriors)",
        "Amateur runners and cyclists, 28-45, who train hard on weekends.",
        "Age: 28-45"]
    assert "Pain points: waking up sore; tight hamstrings" in doc.text


def test_list_under_personas_key_has_line_per_persona() -> None:
    docs = read_personas(LIST.encode(), "personas/all.yaml").documents
    assert [(d.provenance.section, d.provenance.line_start) for d in docs] == [
        ("desk-athletes", 2), ("new-parents", 5)]
    assert docs[1].data == {"id": "new-parents", "label": "New parents",
                            "desires": ["ten minutes for myself"]}


@pytest.mark.parametrize(("text", "field", "line"), [
    ("label: No id here\n", "id", 1),
    ("personas:\n  - id: a\n    label: A\n  - id: b\n", "label", 4),
    ("id: Weekend Warriors\nlabel: WW\n", "id", 1),
    ("personas:\n  - id: a\n    label: A\n  - id: a\n    label: Again\n", "id", 4),
])
def test_persona_field_problems_raise(text: str, field: str, line: int) -> None:
    with pytest.raises(BrandInputError) as caught:
        read_personas(text.encode(), "personas/p.yaml")
    assert (caught.value.file, caught.value.field, caught.value.line) == ("personas/p.yaml", field, line)


def test_broken_yaml_names_the_line() -> None:
    broken = "id: a\nlabel: A\npain_points: [sore, stiff\ndesires: [more]\n"
    with pytest.raises(BrandInputError) as caught:
        read_personas(broken.encode(), "personas/broken.yaml")
    assert caught.value.file == "personas/broken.yaml"
    assert caught.value.line == 4
    assert "malformed YAML" in caught.value.message


def test_persona_not_utf8_raises_with_byte_offset() -> None:
    with pytest.raises(BrandInputError) as caught:
        read_personas("id: a\nlabel: Caf\u00e9\n".encode("latin-1"), "personas/latin.yaml")
    assert "byte offset 16" in str(caught.value)
    assert caught.value.file == "personas/latin.yaml"


def test_scalar_yaml_is_not_a_persona() -> None:
    with pytest.raises(BrandInputError, match="expected a persona"):
        read_personas(b"just words\n", "personas/words.yaml")
