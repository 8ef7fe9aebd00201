"""A set of packs compiled into one matcher; ``scan`` reports every hit in scope with rule, span and severity."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from adloom.governance.matcher import EngineName, Matcher, RuleSpec, compile_matcher
from adloom.governance.packs.loader import PackProblem
from adloom.governance.packs.regions import expand, normalise
from adloom.governance.packs.schema import Pack, Rule, Scope, strictest
from adloom.governance.packs.textrisk import TEXT_PACK, text_risks
from adloom.types import Severity, content_hash

__all__ = ["Hit", "PackSet"]


@dataclass(frozen=True)
class Hit:
    rule_id: str
    pack: str               # id@version
    severity: Severity
    category: str
    start: int
    end: int
    text: str
    fix_hint: str
    description: str = ""


def _within(values: Collection[str] | None, allowed: frozenset[str]) -> bool:
    """Unknown context (None or empty) is inside every scope: an unscoped check reports more, never less."""
    return not allowed or not values or any(v in allowed for v in values)


@dataclass(frozen=True)
class _Compiled:
    pack: Pack
    rule: Rule
    platforms: frozenset[str]
    regions: frozenset[str]
    verticals: frozenset[str]

    exceptions: tuple[re.Pattern[str], ...] = ()

    @staticmethod
    def of(pack: Pack, rule: Rule) -> _Compiled:
        s = rule.scope
        flags = 0 if rule.case_sensitive else re.IGNORECASE
        return _Compiled(pack, rule, frozenset(s.platforms), expand(s.regions), frozenset(s.verticals),
                         tuple(re.compile(e.pattern, flags) for e in rule.exceptions))

    def excepted(self, text: str, start: int, end: int) -> bool:
        """The hit overlaps a phrase the rule rules out."""
        return any(m.start() < end and start < m.end() for p in self.exceptions for m in p.finditer(text))

    def applies(self, scope: Scope | _Compiled, platforms: Collection[str] | None,
                countries: Collection[str] | None, vertical: str | None) -> bool:
        if isinstance(scope, _Compiled):
            p, r, v = scope.platforms, scope.regions, scope.verticals
        else:
            p, r, v = frozenset(scope.platforms), expand(scope.regions), frozenset(scope.verticals)
        return (_within(platforms, p) and _within(countries, r)
                and _within([vertical] if vertical else None, v))

    def severity(self, platforms: Collection[str] | None, countries: Collection[str] | None,
                 vertical: str | None) -> Severity:
        """An override for named platforms applies only when the context names one of them: "block on TikTok"
        is not a reason to block copy whose platform nobody gave (its scope still applies, at base severity)."""
        matching = [o.severity for o in self.rule.overrides
                    if self.applies(o, platforms, countries, vertical)
                    and (not o.platforms or any(p in o.platforms for p in platforms or ()))]
        return strictest(matching) if matching else self.rule.severity


@dataclass(frozen=True)
class PackSet:
    """Packs in force, in load order; rule ids are unique across the set."""

    packs: tuple[Pack, ...]
    problems: tuple[PackProblem, ...] = ()
    origins: dict[str, str] = field(default_factory=dict)      # pack id -> file it came from
    engine: EngineName = "auto"
    cache_dir: Path | None = None

    @cached_property
    def version(self) -> str:
        """Content hash over every pack in force: names the exact policy a verdict was reached under."""
        return content_hash([[p.id, p.content_hash()] for p in self.packs] + [[TEXT_PACK]])

    @cached_property
    def _rules(self) -> list[_Compiled]:
        return [_Compiled.of(pack, rule) for pack in self.packs for rule in pack.rules]

    @property
    def rules(self) -> list[tuple[Pack, Rule]]:
        return [(c.pack, c.rule) for c in self._rules]

    @cached_property
    def matcher(self) -> Matcher:
        specs = [RuleSpec(i, c.rule.terms, c.rule.regexes, c.rule.word_boundary, c.rule.case_sensitive)
                 for i, c in enumerate(self._rules)]
        return compile_matcher(specs, engine=self.engine, cache_dir=self.cache_dir)

    def pack(self, pack_id: str) -> Pack | None:
        return next((p for p in self.packs if p.id == pack_id), None)

    def scan(self, text: str, *, platform: str | None = None, country: str | None = None,
             vertical: str | None = None) -> list[Hit]:
        return self.scan_context(text, platforms=[platform] if platform else None,
                                 countries=[country] if country else None, vertical=vertical)

    def scan_context(self, text: str, *, platforms: Collection[str] | None = None,
                     countries: Collection[str] | None = None, vertical: str | None = None) -> list[Hit]:
        """Hits of the rules whose scope meets the context; a text that runs on several platforms or in
        several countries gets the strictest severity any of them asks for."""
        if not text:
            return []
        return self.scan_fields([(text, platforms)], countries=countries, vertical=vertical)[0]

    def scan_fields(self, fields: Sequence[tuple[str, Collection[str] | None]], *,
                    countries: Collection[str] | None = None, vertical: str | None = None) -> list[list[Hit]]:
        """``scan_context`` for many texts that share countries and vertical, each with its own platforms
        (a concept's fields): the matcher may scan them in one call."""
        countries = [normalise(c) for c in countries] if countries else None
        out: list[list[Hit]] = []
        # one text (``scan``, ``adloom check``): the matcher's single-text path, without the joining
        scanned = ([self.matcher.scan(fields[0][0])] if len(fields) == 1
                   else self.matcher.scan_many([t for t, _p in fields]))
        for (text, platforms), matches in zip(fields, scanned, strict=True):
            hits: list[Hit] = []
            for m in matches:
                c = self._rules[m.key]
                if not c.applies(c, platforms, countries, vertical) or (
                        c.exceptions and c.excepted(text, m.start, m.end)):
                    continue
                hits.append(Hit(c.rule.id, c.pack.ref, c.severity(platforms, countries, vertical), c.rule.category,
                                m.start, m.end, text[m.start:m.end], c.rule.fix_hint, c.rule.description))
            # how the text is written (hidden or look-alike characters, a formula-like start): built-in rules
            hits += [Hit(r.rule_id, TEXT_PACK, r.severity, r.category, r.start, r.end, text[r.start:r.end],
                         r.fix_hint, r.description) for r in text_risks(text)]
            out.append(hits)
        return out
