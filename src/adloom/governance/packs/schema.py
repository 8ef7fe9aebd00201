"""What a rule pack is: pydantic models of the YAML files, with the checks a schema cannot express.

A pack is data, not code: each rule names what it matches (literal terms and/or regexes), where it applies
(platform, region, vertical), how much it matters (severity, with per-scope overrides), how to fix it and
where the rule comes from. Matching semantics are defined once, in ``adloom.governance.matcher.spec``.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from adloom.governance.matcher.spec import literal_regex
from adloom.platforms import PLATFORMS
from adloom.types import Severity, content_hash

__all__ = ["SEVERITY_RANK", "Exception_", "Override", "Pack", "Rule", "Scope", "strictest"]

SEVERITY_RANK: dict[Severity, int] = {"warn": 0, "review": 1, "block": 2}

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,3}$")]           # ISO 3166 alpha-2 or a group (EU)
Vertical = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]+$")]
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def strictest(severities: list[Severity]) -> Severity:
    return max(severities, key=SEVERITY_RANK.__getitem__)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Strict):
    """Where a rule applies; an empty list means everywhere."""

    platforms: tuple[str, ...] = ()
    regions: tuple[Code, ...] = ()
    verticals: tuple[Vertical, ...] = ()

    @field_validator("platforms")
    @classmethod
    def _known_platforms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [p for p in value if p not in PLATFORMS]
        if unknown:
            raise ValueError(f"unknown platform {unknown[0]!r}; expected one of {', '.join(PLATFORMS)}")
        return value


class Override(Scope):
    """A different severity inside a narrower scope: "review, but block on TikTok"."""

    severity: Severity

    @model_validator(mode="after")
    def _narrows(self) -> Override:
        if not (self.platforms or self.regions or self.verticals):
            raise ValueError("an override needs at least one of platforms, regions, verticals")
        return self


class Exception_(_Strict):
    """A phrase the rule's label rules out ("our best-selling", "money-back guarantee"): a hit overlapping a match
    of ``pattern`` is dropped. Exceptions are rules too: each says why, and pack cases test them."""

    pattern: NonBlank
    why: NonBlank

    @field_validator("pattern")
    @classmethod
    def _valid(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"invalid regex {value!r}: {exc}") from None
        return value


class Rule(_Strict):
    id: RuleId
    description: NonBlank
    category: Vertical
    severity: Severity
    terms: tuple[NonBlank, ...] = ()
    regexes: tuple[NonBlank, ...] = ()
    word_boundary: bool = True          # a match may not start or end inside a word
    case_sensitive: bool = False
    scope: Scope = Field(default_factory=Scope)
    overrides: tuple[Override, ...] = ()
    exceptions: tuple[Exception_, ...] = ()
    fix_hint: NonBlank
    source: NonBlank
    checked: date | None = None      # required in pack files (the loader checks); derived packs have none

    @field_validator("regexes")
    @classmethod
    def _valid_regexes(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for pattern in value:
            try:
                compiled = re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
            if compiled.fullmatch(""):
                raise ValueError(f"regex {pattern!r} matches the empty string")
        return value

    @model_validator(mode="after")
    def _matches_something(self) -> Rule:
        if not self.terms and not self.regexes:
            raise ValueError(f"rule {self.id!r} has neither terms nor regexes")
        return self


LEXICON_REF = re.compile(r"\{lex:([a-z0-9_]+)\}")


class Pack(_Strict):
    """``lexicons`` are named word lists a rule's regex refers to as ``{lex:name}``: a few hundred conditions
    or verb forms stay readable lists, and each reference becomes one alternation of them (longest first)."""

    id: RuleId
    version: NonBlank
    description: str = ""
    lexicons: dict[Vertical, tuple[NonBlank, ...]] = Field(default_factory=dict)
    rules: tuple[Rule, ...]

    @model_validator(mode="after")
    def _expand_lexicons(self) -> Pack:
        expanded = []
        for rule in self.rules:
            if not any(LEXICON_REF.search(r) for r in rule.regexes):
                expanded.append(rule)
                continue
            def expand(m: re.Match[str], rid: str = rule.id) -> str:
                return self._alternation(m.group(1), rid)
            regexes = tuple(LEXICON_REF.sub(expand, r) for r in rule.regexes)
            expanded.append(rule.model_copy(update={"regexes": regexes}))
        object.__setattr__(self, "rules", tuple(expanded))
        return self

    def _alternation(self, name: str, rule_id: str) -> str:
        if name not in self.lexicons:
            raise ValueError(f"rule '{rule_id}' refers to unknown lexicon '{name}'; defined: "
                             f"{', '.join(sorted(self.lexicons)) or 'none'}")
        words = sorted({literal_regex(w) for w in self.lexicons[name]}, key=lambda p: (-len(p), p))
        return "(?:" + "|".join(words) + ")"

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # `version: 2` in YAML is an int; a version is a label, not a number
        return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value

    @property
    def ref(self) -> str:
        """``id@version``: what every finding names."""
        return f"{self.id}@{self.version}"

    def content_hash(self) -> str:
        return content_hash(self.model_dump(mode="json"))
