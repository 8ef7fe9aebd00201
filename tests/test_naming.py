import pytest

from adloom.errors import InputError
from adloom.naming import AdName, ad_name, parse_ad_name, slugify


def test_ad_name_round_trips() -> None:
    name = ad_name("Restwave", "pain-first", "Weekend Warriors", "h3", "1a2b3c4d5e6f", "meta")
    assert name == "adl_restwave_pain-first_weekend-warriors_h3_1a2b3c4d_meta"
    assert parse_ad_name(name) == AdName("restwave", "pain-first", "weekend-warriors", "h3", "1a2b3c4d", "meta")


def test_google_rsa_and_no_platform() -> None:
    assert parse_ad_name("adl_b_curiosity_s_rsa_deadbeef").hook == "rsa"
    assert parse_ad_name("adl_b_curiosity_s_rsa_deadbeef").platform is None


@pytest.mark.parametrize("bad", ["", "restwave_pain_h1", "adl_b_a_s_h1_XYZ12345", "adl_b_a_s_h1_1a2b3c4d_snap"])
def test_parse_rejects_foreign_names(bad: str) -> None:
    with pytest.raises(InputError, match="naming convention"):
        parse_ad_name(bad)


def test_slugify_strips_separators_and_accents() -> None:
    assert slugify("Café_Owners & Co") == "cafe-owners-co"
    assert "_" not in slugify("a_b_c")
