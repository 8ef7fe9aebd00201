from __future__ import annotations

import pytest

from adloom.errors import BrandInputError
from adloom.render.colour import contrast_ratio, ensure_contrast, parse_colour
from adloom.render.fonts import DEFAULT_BODY
from adloom.render.text import ELLIPSIS, fit


@pytest.mark.parametrize(("value", "rgb"), [("#0E3B43", (14, 59, 67)), ("#fff", (255, 255, 255)),
                                            ("rgb(1, 2, 3)", (1, 2, 3)), ("teal", (0, 128, 128))])
def test_parse_colour(value: str, rgb: tuple[int, int, int]) -> None:
    assert parse_colour(value) == rgb


@pytest.mark.parametrize("value", ["blurple", "#12345", "", "rgb(300)"])
def test_not_a_colour_is_a_brand_input_error(value: str) -> None:
    with pytest.raises(BrandInputError, match="is not a colour"):
        parse_colour(value, field="brand_kit.colors.primary")


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert contrast_ratio((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio((14, 59, 67), (14, 59, 67)) == pytest.approx(1.0)


@pytest.mark.parametrize(("fg", "bg"), [((255, 107, 53), (255, 255, 255)), ((255, 255, 255), (255, 107, 53)),
                                        ((200, 200, 200), (180, 180, 180))])
def test_ensure_contrast_reaches_aa(fg: tuple[int, int, int], bg: tuple[int, int, int]) -> None:
    assert contrast_ratio(ensure_contrast(fg, bg, 4.5), bg) >= 4.5


def test_ensure_contrast_keeps_a_colour_that_passes() -> None:
    assert ensure_contrast((14, 59, 67), (255, 255, 255)) == (14, 59, 67)


def test_fit_shrinks_then_truncates_with_an_ellipsis() -> None:
    short = fit("Sleep better", DEFAULT_BODY, 400, 100, max_size=60, min_size=12)
    assert short.size == 60 and not short.shrunk
    longer = fit("Sleep better tonight with gentle waves " * 3, DEFAULT_BODY, 400, 200, max_size=60, min_size=12)
    assert longer.shrunk and not longer.truncated and longer.height <= 200 and longer.width <= 400
    too_long = fit("word " * 400, DEFAULT_BODY, 300, 60, max_size=40, min_size=14)
    assert too_long.truncated and too_long.lines[-1].endswith(ELLIPSIS)
    assert too_long.height <= 60 and too_long.width <= 300 and too_long.size == 14


def test_fit_breaks_a_word_wider_than_the_box() -> None:
    fitted = fit("https://restwave.example/a-very-long-path-without-spaces", DEFAULT_BODY, 120, 400,
                 max_size=20, min_size=20)
    assert len(fitted.lines) > 1 and fitted.width <= 120
