"""Checking existing copy: findings plus platform limits, a route, and clear answers for bad input."""

from __future__ import annotations

import pytest

from adloom.errors import ConfigError, InputError
from adloom.governance.packs import load_packs
from adloom.governance.textcheck import MAX_TEXT_CHARS, check_text


def test_findings_limits_and_route() -> None:
    result = check_text("Slim legs right away! #summer", platform="tiktok", packs=load_packs())
    assert [f.rule_id for f in result.findings] == ["tiktok.exaggerated_results", "limits.tiktok_forbidden_char"]
    assert result.route == "reject" and result.field == "tiktok.ad_text"


def test_clean_text_is_approved() -> None:
    assert check_text("A pillow that stays cool", platform="meta", packs=load_packs()).route == "approve"


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_text_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        check_text(text, packs=load_packs())


def test_undecodable_text_is_refused() -> None:
    with pytest.raises(InputError, match="UTF-8"):
        check_text("caf\udce9", packs=load_packs())


def test_enormous_text_is_capped_and_says_so() -> None:
    text = "calm words " * 5000 + "cures cancer"
    result = check_text(text, packs=load_packs())
    assert len(result.text) == MAX_TEXT_CHARS and result.truncated_from == len(text)
    assert result.notes == [f"checked the first {MAX_TEXT_CHARS:,} of {len(text):,} characters"]


def test_unknown_platform() -> None:
    with pytest.raises(ConfigError, match="unknown platform"):
        check_text("hi", platform="myspace", packs=load_packs())
