"""The compiled engine: Hyperscan (Vectorscan) finds which rules may match, the reference regex gives the spans.

Findings are identical to ``PythonEngine``'s by construction as long as the pre-filter never misses a rule
that matches. Two databases keep that true while compiling fast:

- **literals** (every rule's terms) run in Hyperscan's pure-literal mode over ``fold(text)``: terms and text
  are case-folded the way ``re.IGNORECASE`` folds and whitespace runs collapse to one space, so a term ``re``
  finds is always a substring (word boundaries are left to the verification step);
- **regexes** with plain-ASCII source compile with ``HS_FLAG_PREFILTER`` (which only widens a pattern and
  accepts lookarounds Hyperscan cannot run), in UTF-8 mode without Unicode properties. That is exact for
  ASCII text and for text whose other characters are symbols (curly quotes, dashes, currency, emoji). A
  text holding a non-ASCII letter, digit or space has every regex rule verified instead, as does every rule
  whose regex Hyperscan refuses or whose source is not plain ASCII.

For the usual ad text (printable ASCII, single spaces) ``fold(text)`` is just ``text.lower()``, which the
case-insensitive regexes read the same as the text, so a third database holding both runs one scan instead.
That database reports every match end (no ``HS_FLAG_SINGLEMATCH``), so ``scan_many`` can scan all of a
concept's fields joined by NUL in one call and send each candidate rule to the field its match ends in: a
match of the real rule inside a field ends inside that field, and the widened (pre-filter) pattern matches
wherever the rule does, so no candidate is lost; candidates a widened match invents across fields fail
verification. Rules with anchors (``^``, ``$``, ``\\A``, ``\\Z``) could match a field alone but not inside the
joined text, so in that mode they are verified on every field.

``HS_FLAG_SOM_LEFTMOST`` is not used: it cannot be combined with ``HS_FLAG_PREFILTER``, raises compile time
and memory, and gives byte offsets of one match per end offset, not ``re``'s non-overlapping character spans.
Unicode properties (``HS_FLAG_UCP``) are not used either: they multiplied compile time by ~6 (11.6 s for
2,800 literals) and Hyperscan's Unicode tables are older than Python's.
"""

from __future__ import annotations

import json
import os
import re
import re._constants as _sre  # the parsed-regex opcodes, to find anchors
import re._parser as _sre_parse
import tempfile
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import hyperscan as hs

from adloom.governance.fields import join_texts
from adloom.governance.matcher.python_engine import PythonEngine
from adloom.governance.matcher.spec import Match, RuleSpec
from adloom.textfold import fold

__all__ = ["HyperscanEngine"]

_REGEX_FLAGS = hs.HS_FLAG_UTF8 | hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_PREFILTER | hs.HS_FLAG_CASELESS
# characters on which UTF-8 mode without Unicode properties and ``re`` disagree: \x1c-\x1f are \s to ``re``
# only; a non-ASCII letter, digit or space is \w / \d / \s to ``re`` only
_REGEX_UNSAFE = re.compile(r"[\x1c-\x1f]|(?![\x00-\x7f])[\w\s]")
_ASCII_UNSAFE = re.compile(r"[\x1c-\x1f]")
# escapes that name non-ASCII code points, which the two dialects read differently
_NON_ASCII_ESCAPE = re.compile(r"\\[xuUN]")


def _dialects_differ(regex: str) -> bool:
    """Whether Hyperscan (UTF-8, no Unicode properties) may read the regex differently from ``re``: escapes
    naming code points, and non-ASCII characters other than caseless symbols. A curly apostrophe or a dash
    is one code point with no case in both dialects, so "alzheimer['’]s" is safe to pre-filter."""
    if _NON_ASCII_ESCAPE.search(regex):
        return True
    return any(ord(ch) > 127 and not (unicodedata.category(ch)[0] in "PS" and ch.lower() == ch == ch.upper())
               for ch in regex)


def _db(exprs: list[tuple[bytes, int]], flags: int, *, literal: bool) -> hs.Database:
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    db.compile(expressions=[e for e, _k in exprs], ids=[k for _e, k in exprs], elements=len(exprs),
               flags=[flags] * len(exprs), literal=literal)
    return db


def _compile_regexes(exprs: list[tuple[bytes, int]]) -> tuple[hs.Database | None, set[int]]:
    """The regex database, and the rules left out because Hyperscan refuses one of their regexes."""
    refused: set[int] = set()
    while exprs:
        try:
            return _db(exprs, _REGEX_FLAGS, literal=False), refused
        except hs.error:
            # rare: test one by one, verify the culprits' rules always
            refused |= {k for e, k in exprs if not _compiles(e)}
            exprs = [(e, k) for e, k in exprs if k not in refused]
    return None, refused


def _compiles(expr: bytes) -> bool:
    try:
        _db([(expr, 0)], _REGEX_FLAGS, literal=False)
    except hs.error:
        return False
    return True


def _collect(rule: int, _start: int, _end: int, _flags: int, found: object) -> None:
    found.add(rule)  # type: ignore[attr-defined]  # always the scan's set: typed object by the stubs


def _collect_ends(rule: int, _start: int, end: int, _flags: int, found: object) -> None:
    found.append((end, rule))  # type: ignore[attr-defined]  # always the scan's list


# may match a field alone but not the same field inside the joined text
_ANCHORS = {_sre.AT_BEGINNING, _sre.AT_END, _sre.AT_BEGINNING_STRING, _sre.AT_END_STRING}


def _anchored(regex: str) -> bool:
    """Whether the regex holds ``^``, ``$``, ``\\A`` or ``\\Z`` (parsed, so ``[^a]`` and ``\\$`` are not)."""
    try:
        stack: list[Any] = [_sre_parse.parse(regex).data]
    except re.error:
        return True
    while stack:
        item = stack.pop()
        if isinstance(item, _sre_parse.SubPattern):
            stack.append(item.data)
        elif isinstance(item, tuple | list):
            if len(item) == 2 and item[0] is _sre.AT and item[1] in _ANCHORS:
                return True
            stack.extend(item)
    return False


_DBS = ("literals", "regexes", "combined")
# databases, rules always verified, regex rules, anchored rules (None: not known yet)
_Built = tuple[dict[str, hs.Database | None], list[int], list[int], list[int] | None]


# (?<!\w) and (?!\w) without lookarounds, for lowercase printable ASCII: the neighbour is consumed instead, so a
# match ends at most one character later (still inside its field, or on the NUL after it in ``scan_many``)
_BEFORE, _AFTER = b"(?:^|[^a-z0-9_])", b"(?:[^a-z0-9_]|$)"


def _bounded(expr: bytes, key: int, bounded: set[int]) -> tuple[bytes, int]:
    """The rule's word boundaries in the pre-filter too: a term or regex that ``re`` finds only between
    non-word characters is looked for only there. Without them "end" (a cure verb) was a candidate in every
    "weekend" and "recommended", "one" (a number word) in every "someone": half of all clean texts had a
    candidate rule to verify."""
    if key not in bounded or _anchored(expr.decode()):      # Hyperscan refuses an embedded ^ or $
        return expr, key
    return _BEFORE + b"(?:" + expr + b")" + _AFTER, key


def _combined(lits: list[tuple[bytes, int]], rx: list[tuple[bytes, int]], bounded: set[int]) -> hs.Database | None:
    if not lits and not rx:
        return None
    try:
        return _combined_db(lits, rx, bounded)
    except hs.error:        # a construct the boundaries do not combine with: the plain pre-filter, as before
        return _combined_db(lits, rx, set())


def _combined_db(lits: list[tuple[bytes, int]], rx: list[tuple[bytes, int]], bounded: set[int]) -> hs.Database:
    exprs = [_bounded(re.escape(e.decode()).encode(), k, bounded) for e, k in lits] + \
        [_bounded(e, k, bounded) for e, k in rx]
    # every match end, not one per rule: ``scan_many`` maps ends to fields
    flags = [hs.HS_FLAG_UTF8] * len(lits) + [_REGEX_FLAGS & ~hs.HS_FLAG_SINGLEMATCH] * len(rx)
    db = hs.Database(mode=hs.HS_MODE_BLOCK)
    db.compile(expressions=[e for e, _k in exprs], ids=[k for _e, k in exprs], elements=len(exprs), flags=flags)
    return db


class HyperscanEngine:
    name = "hyperscan"

    def __init__(self, specs: list[RuleSpec], *, fingerprint: str, cache_dir: Path | None = None) -> None:
        self.reference = PythonEngine(specs)
        self.compiled = False           # True when this instance built (not loaded) its databases
        loaded = self._load(cache_dir, fingerprint)
        if loaded is None:
            loaded = self._build(specs)
            self.compiled = True
        dbs, self.always, self.regex_rules, anchored = loaded
        self.literals, self.regexes, self.combined = dbs["literals"], dbs["regexes"], dbs["combined"]
        # kept with the databases: parsing every regex again was 0.03 s CPU of each cold run (issue 17)
        self.anchored = anchored if anchored is not None else sorted(
            {s.key for s in specs for r in s.regexes if _anchored(r)} - set(self.always))
        # case-sensitive rules of terms alone ("FREE" in capitals): the caseless pre-filter of lowered text
        # cannot tell "FREE" from "Free", a substring test of a plain text can (its spaces are single spaces)
        self.cased_terms = {s.key: tuple(" ".join(t.split()) for t in s.terms) for s in specs
                           if s.case_sensitive and not s.regexes and s.terms}
        if self.compiled:
            self._save(cache_dir, fingerprint)

    @staticmethod
    def _build(specs: list[RuleSpec]) -> _Built:
        always: set[int] = set()
        lits: list[tuple[bytes, int]] = []
        for s in specs:
            for term in s.terms:
                try:
                    lits.append((fold(term).encode(), s.key))
                except UnicodeEncodeError:      # a lone surrogate in a term: verify that rule always
                    always.add(s.key)
        always |= {s.key for s in specs if any(_dialects_differ(r) for r in s.regexes)}
        rx = [(r.encode(), s.key) for s in specs if s.key not in always for r in s.regexes]
        regex_db, refused = _compile_regexes(rx)
        rx = [(e, k) for e, k in rx if k not in refused]
        bounded = {s.key for s in specs if s.word_boundary}
        dbs = {"literals": _db(lits, hs.HS_FLAG_SINGLEMATCH, literal=True) if lits else None,
               "regexes": regex_db, "combined": _combined(lits, rx, bounded)}
        return dbs, sorted(always | refused), sorted({k for _e, k in rx}), None

    # ---------------------------------------------------------------- disk cache

    @staticmethod
    def _paths(cache_dir: Path, fingerprint: str) -> dict[str, Path]:
        # hs3: symbols in regexes pre-filtered; the combined database reports every match end (hs-: one per rule)
        # hs4: word boundaries in the combined database
        return {name: cache_dir / f"hs4-{fingerprint}.{name}" for name in (*_DBS, "json")}

    def _load(self, cache_dir: Path | None, fingerprint: str) -> _Built | None:
        if cache_dir is None:
            return None
        paths = self._paths(cache_dir, fingerprint)
        try:
            meta: dict[str, Any] = json.loads(paths["json"].read_text())
            dbs = {name: hs.loadb(paths[name].read_bytes(), hs.HS_MODE_BLOCK) if meta[name] else None
                   for name in _DBS}
            for db in dbs.values():
                if db is not None:
                    db.scratch = hs.Scratch(db)
            anchored = meta.get("anchored")        # absent in entries written before it was kept
            return dbs, list(meta["always"]), list(meta["regex_rules"]), None if anchored is None else list(anchored)
        except (OSError, ValueError, KeyError, TypeError, hs.error):
            return None     # absent, torn or from another Hyperscan build: compile afresh

    def _save(self, cache_dir: Path | None, fingerprint: str) -> None:
        if cache_dir is None:
            return
        cache_dir.mkdir(parents=True, exist_ok=True)
        paths = self._paths(cache_dir, fingerprint)
        meta: dict[str, Any] = {"always": self.always, "regex_rules": self.regex_rules, "anchored": self.anchored,
                                "hyperscan": getattr(hs, "__version__", "?")}
        for name, db in zip(_DBS, (self.literals, self.regexes, self.combined), strict=True):
            meta[name] = db is not None
            if db is not None:
                _atomic_write(paths[name], hs.dumpb(db))
        _atomic_write(paths["json"], json.dumps(meta).encode())   # last: it marks the entry complete

    # ---------------------------------------------------------------- scanning

    def scan(self, text: str) -> list[Match]:
        if not text:
            return []
        found: set[int] = set(self.always)
        if self.combined is not None and text.isascii() and text.isprintable() and "  " not in text:
            # fold(text) == text.lower() here, and lowercase ASCII reads the same to caseless regexes
            self.combined.scan(text.lower().encode(), match_event_handler=_collect, context=found)
            if found and self.cased_terms:
                self._drop_cased(text, found)
            return self.reference.verify(text, sorted(found)) if found else []
        if self.literals is not None:
            self.literals.scan(fold(text).encode("utf-8", "surrogatepass"), match_event_handler=_collect, context=found)
        if self.regexes is not None:
            if text.isascii():
                # printable ASCII (the usual ad text) holds none of \x1c-\x1f: skip the search
                unsafe = not text.isprintable() and _ASCII_UNSAFE.search(text) is not None
            else:
                unsafe = _REGEX_UNSAFE.search(text) is not None or _has_surrogate(text)
            if unsafe:
                found.update(self.regex_rules)
            else:
                self.regexes.scan(text.encode(), match_event_handler=_collect, context=found)
        if not found:
            return []
        return self.reference.verify(text, sorted(found))

    def scan_many(self, texts: Sequence[str]) -> list[list[Match]]:
        """``[self.scan(t) for t in texts]``, with the plain fields (printable ASCII, single spaces) scanned
        in one call over their NUL-joined text."""
        out: list[list[Match]] = [[] for _ in texts]
        plain = [i for i, t in enumerate(texts) if t and t.isascii() and t.isprintable() and "  " not in t]
        for i in sorted(set(range(len(texts))) - set(plain)):
            out[i] = self.scan(texts[i])
        if not plain or self.combined is None:
            for i in plain:
                out[i] = self.scan(texts[i])
            return out
        joined = join_texts([texts[i] for i in plain])
        assert joined is not None     # printable text holds no NUL
        ends: list[tuple[int, int]] = []
        self.combined.scan(joined.text.lower().encode(), match_event_handler=_collect_ends, context=ends)
        candidates: list[set[int]] = [set() for _ in plain]
        for end, rule in ends:
            candidates[bisect_right(joined.starts, end - 1) - 1].add(rule)
        every = set(self.always) | set(self.anchored)
        for slot, i in enumerate(plain):
            found = candidates[slot] | every
            if found and self.cased_terms:
                self._drop_cased(texts[i], found)
            if found:
                out[i] = self.reference.verify(texts[i], sorted(found))
        return out


    def _drop_cased(self, text: str, found: set[int]) -> None:
        """Case-sensitive term rules none of whose terms occur in the (plain) text as written."""
        for key in found & self.cased_terms.keys():
            if not any(term in text for term in self.cased_terms[key]):
                found.discard(key)


def _has_surrogate(text: str) -> bool:
    """Lone surrogates (undecodable input) are not UTF-8; Hyperscan must never see them."""
    try:
        text.encode()
    except UnicodeEncodeError:
        return True
    return False


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)
