"""Region codes in rule scopes: ISO 3166 alpha-2 country codes, plus a few groups and aliases."""

from __future__ import annotations

__all__ = ["expand", "normalise"]

EU = frozenset({"AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV", "LT",
                "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE"})
GROUPS: dict[str, frozenset[str]] = {"EU": EU, "EEA": EU | {"IS", "LI", "NO"}}
ALIASES = {"UK": "GB"}


def normalise(country: str) -> str:
    code = country.strip().upper()
    return ALIASES.get(code, code)


def expand(codes: tuple[str, ...]) -> frozenset[str]:
    """The countries a scope's region list covers."""
    out: set[str] = set()
    for code in codes:
        out |= GROUPS.get(code, {normalise(code)})
    return frozenset(out)
