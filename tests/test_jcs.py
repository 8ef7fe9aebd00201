"""``adloom.jcs`` must write exactly what ``rfc8785`` writes (or raise what it raises): every stored hash
(brand versions, concept ids, audit payloads) depends on it."""

from __future__ import annotations

import random
from typing import Any

import pytest
import rfc8785

from adloom import jcs

_CHARS = ["a", "Z", '"', "\\", "\n", "\t", "\b", "\f", "\r", "\x00", "\x1f", "\x7f", "é", "\u2028", "\ue000",
          "\U0001f600", "\ud800", " ", "/", "<", "中"]
_NUMBERS: list[Any] = [0, 1, -1, 2**53 - 1, -(2**53) + 1, 2**53, -(2**53), 10**30, 0.0, -0.0, 1.0, 0.75, 1e21,
                       1e-7, 1e-6, 123456.789, 5e-324, 1.7976931348623157e308, 1e16, 100.0, -2.5, 0.1 + 0.2,
                       float("nan"), float("inf"), True, False, None]


def _outcome(fn: Any, value: Any) -> tuple[bytes | None, str | None]:
    try:
        return fn(value), None
    except Exception as exc:   # the same error, with the same message, is part of the contract
        return None, f"{type(exc).__name__}: {exc}"


def _random_value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.35:
        if rng.random() < 0.4:
            return rng.choice(_NUMBERS) if rng.random() < 0.7 else rng.random() * 10 ** rng.randint(-10, 25)
        return "".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 5)))
    if roll < 0.55:
        return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.6:
        return tuple(_random_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    if roll < 0.62:
        return rng.choice([{1: "int key"}, {"k": {1, 2}}, {"k": b"bytes"}])
    return {("".join(rng.choice(_CHARS) for _ in range(rng.randint(0, 4))) if rng.random() < 0.5
             else rng.choice(["id", "name", "Score", "_x", "a b", "é", "\U0001f600", "\ue000"])):
            _random_value(rng, depth + 1) for _ in range(rng.randint(0, 5))}


@pytest.mark.parametrize("seed", range(4))
def test_matches_rfc8785_on_random_values(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(5000):
        value = _random_value(rng)
        assert _outcome(jcs.dumps, value) == _outcome(rfc8785.dumps, value), value


def test_matches_rfc8785_on_every_character() -> None:
    for cp in range(0, 0x110000, 7):    # a stride keeps it quick; the escaping rules are per range
        ch = chr(cp)
        for value in (ch, {ch: 1}, {"k" + ch: [ch]}):
            assert _outcome(jcs.dumps, value) == _outcome(rfc8785.dumps, value), hex(cp)


def test_matches_rfc8785_on_a_domain_object() -> None:
    from adloom.types import BrandObject, Claim
    brand = BrandObject(name="Rest & Wave", slug="restwave", positioning="Sleep \"better\" — tonight\n",
                        claims=[Claim(id="c1", statement="93% slept longer", kind="numeric")])
    data = brand.model_dump(mode="json")
    assert jcs.dumps(data) == rfc8785.dumps(data)
