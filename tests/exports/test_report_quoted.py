"""Hooks are shown in curly quotes, but a hook the writer already quoted is not quoted twice."""

from __future__ import annotations

import pytest

from adloom.exports.report import quoted


@pytest.mark.parametrize(("hook", "shown"), [
    ("Tired of sore mornings? Watch this.", "“Tired of sore mornings? Watch this.”"),
    ('"My legs feel like concrete." We hear you.', '"My legs feel like concrete." We hear you.'),
    ("“Best purchase this year.”", "“Best purchase this year.”"),
    ("  padded  ", "“padded”"),
    ('"', '“"”'),
])
def test_hooks_are_quoted_once(hook: str, shown: str) -> None:
    assert quoted(hook) == shown
