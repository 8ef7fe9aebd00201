from pathlib import Path

import pytest

from adloom.brand.assemble import brand_object
from adloom.brand.yamlio import HEADER, load_brand, save_brand
from adloom.errors import BrandObjectError
from tests.brand.factories import DESK, FORM, RUNNERS, page


def _brand():  # type: ignore[no-untyped-def]
    return brand_object([FORM, RUNNERS, DESK, page("82% of members sleep better.\nLine two of a page.")],
                        slug="restwave")


def test_round_trip_keeps_the_version_and_writes_a_header(tmp_path: Path) -> None:
    brand = _brand()
    path = tmp_path / "brand.yaml"
    digest = save_brand(brand, path)
    assert load_brand(path) == brand
    text = path.read_text()
    assert text.startswith(HEADER) and "yours to edit" in text
    assert text.index("\nname:") < text.index("\nsegments:") < text.index("\nsources_hash:")
    assert len(digest) == 64
    assert [p.name for p in tmp_path.iterdir()] == ["brand.yaml"]     # no temporary file left behind


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "brand.yaml"
    path.write_text("name: Restwave\nslug: restwave\ntagline: Recover: like you mean it\navoid: []\n")
    with pytest.raises(BrandObjectError) as info:
        load_brand(path)
    assert info.value.file == str(path) and info.value.line == 3
    assert "invalid YAML" in str(info.value)


def test_schema_error_names_the_field_and_its_line(tmp_path: Path) -> None:
    path = tmp_path / "brand.yaml"
    path.write_text("name: Restwave\nslug: restwave\nsegments:\n  - id: a\n    label: A\n    age_min: old\n")
    with pytest.raises(BrandObjectError) as info:
        load_brand(path)
    assert (info.value.field, info.value.line) == ("segments[0].age_min", 6)


def test_unknown_field_and_wrong_top_level_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "brand.yaml"
    path.write_text("name: R\nslug: r\ncolour: blue\n")
    with pytest.raises(BrandObjectError) as info:
        load_brand(path)
    assert info.value.field == "colour" and info.value.line == 3
    path.write_text("- just\n- a list\n")
    with pytest.raises(BrandObjectError, match="mapping"):
        load_brand(path)


def test_missing_file_says_how_to_create_it(tmp_path: Path) -> None:
    with pytest.raises(BrandObjectError, match="brand extract"):
        load_brand(tmp_path / "brand.yaml")
