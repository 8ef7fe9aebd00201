"""The reference engine: one Python regex per rule. Always available; the compiled engine must agree with it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from adloom.governance.matcher.spec import Match, RuleSpec, ascii_lower_pattern, python_pattern

__all__ = ["PythonEngine"]


class PythonEngine:
    name = "python"

    def __init__(self, specs: list[RuleSpec]) -> None:
        self.specs = {s.key: s for s in specs}
        # compiled on first use: behind the compiled engine most rules are never verified
        self._exact: dict[int, re.Pattern[str]] = {}
        self._ascii: dict[int, re.Pattern[str] | None] = {}

    def pattern(self, key: int) -> re.Pattern[str]:
        found = self._exact.get(key)
        if found is None:
            found = self._exact[key] = python_pattern(self.specs[key])
        return found

    def _ascii_pattern(self, key: int) -> re.Pattern[str] | None:
        if key not in self._ascii:
            self._ascii[key] = ascii_lower_pattern(self.specs[key])
        return self._ascii[key]

    def verify(self, text: str, keys: list[int]) -> list[Match]:
        """Exact spans of the given rules only."""
        out: list[Match] = []
        lower = text.lower() if text.isascii() else None
        for key in keys:
            fast = self._ascii_pattern(key) if lower is not None else None
            if fast is not None:
                out += [Match(m.start(), m.end(), key) for m in fast.finditer(lower)]  # type: ignore[arg-type]
            else:
                out += [Match(m.start(), m.end(), key) for m in self.pattern(key).finditer(text)]
        out.sort()
        return out

    def scan(self, text: str) -> list[Match]:
        if not text:
            return []
        return self.verify(text, list(self.specs))

    def scan_many(self, texts: Sequence[str]) -> list[list[Match]]:
        return [self.scan(t) for t in texts]
