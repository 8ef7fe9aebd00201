"""Contextual policies in Rego, evaluated in-process with regorus (OPA-compatible: ``opa test -b DIR`` runs them).

A bundle is a folder: ``*.rego`` policies under ``adloom.policies.*`` (helpers under ``adloom.lib``), a
``data.json`` with the thresholds and country lists (``data.tables``), Rego unit tests under ``tests/`` and
table cases under ``cases/``. Its version is the SHA-256 of its policy and data files (tests and cases do not
change decisions, so they do not change the version).

Every policy package may define three sets of ``{"id", "msg", "fix", ...}`` objects:

    deny      targeting is wrong (age, country, permission): rewriting copy cannot fix it -> reject
    rewrite   the copy must change (a missing disclaimer)                                  -> regenerate
    review    a person must look                                                          -> review

A bundle that does not parse, whose tables have a wrong type, that is not UTF-8, or whose own Rego tests
or table cases fail (a renamed package, rules that recurse into each other) is refused with one error
naming file, line and problem; ``PolicyRegistry`` then keeps the previously active bundle in force. The
tests and cases run at every load (~30 ms for the shipped bundle): a bundle is only ever in force together
with the evidence that it does what it says.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import regorus

from adloom import yamlutil
from adloom.errors import PolicyViolation
from adloom.governance.fields import TextField, join_texts, text_fields
from adloom.governance.lexicon import TermMatcher
from adloom.governance.regodata import TableError, validate_tables
from adloom.types import BrandObject, Campaign, Concept, Finding, Severity

__all__ = ["DECISIONS", "Bundle", "CaseResult", "PolicyBundleError", "PolicyRegistry", "PolicyResult", "default_bundle",
           "load_bundle", "policy_input", "run_cases"]

# Finding the decision rules probes each package for rules it does not define, and regorus answers each with
# an error. With RUST_BACKTRACE=1 in the environment (a Rust developer's shell, and this project's machine),
# every such error captures a native backtrace: 0.55-0.6 s CPU of each cold `adloom run`'s governance stage
# against 0.014 s without (issue 17). RUST_LIB_BACKTRACE governs error-value backtraces only; panics still
# print theirs, and a user's own setting wins.
os.environ.setdefault("RUST_LIB_BACKTRACE", "0")

DECISIONS: dict[str, Severity] = {"deny": "block", "rewrite": "block", "review": "review"}
_PARSE_ERROR = re.compile(r"-->\s*(?P<file>[^\n]+?):(?P<line>\d+):(?P<col>\d+).*?\berror:\s*(?P<msg>[^\n]+)", re.S)


class PolicyBundleError(PolicyViolation):
    """A bundle was refused; ``file`` and ``line`` say where."""


@dataclass(frozen=True)
class PolicyResult:
    deny: list[dict[str, Any]] = field(default_factory=list)
    rewrite: list[dict[str, Any]] = field(default_factory=list)
    review: list[dict[str, Any]] = field(default_factory=list)

    def ids(self, decision: str) -> list[str]:
        return sorted(str(d.get("id", "")) for d in getattr(self, decision))


class Bundle:
    """A loaded, validated policy bundle with its own regorus engine (evaluation is not thread-safe: one per thread)."""

    def __init__(self, root: Path, policies: dict[str, str], data: dict[str, Any], version: str) -> None:
        self.root = root
        self.policies = policies
        self.data = data
        self.version = version
        self.tables: dict[str, Any] = data.get("tables", {})
        self._engine = _engine(policies, data)
        self._packages = [p for p in self._engine.get_packages() if p.startswith("data.adloom.policies.")]
        self._rules = self._decision_rules()
        terms: dict[str, list[str]] = self.tables.get("category_terms", {})
        exceptions: dict[str, list[str]] = self.tables.get("category_exceptions", {})
        # one matcher for every category's terms; each text's categories are cached (copy lines repeat).
        # An exception phrase is a term of no category: the matcher tries longer terms first, so at the same
        # place "vote for your favourite" consumes the "vote" inside it.
        self._category_of: dict[str, str | None] = {
            **{" ".join(w.split()).casefold(): None for words in exceptions.values() for w in words},
            **{" ".join(w.split()).casefold(): cat for cat, words in terms.items() for w in words}}
        self._category_matcher = TermMatcher([*self._category_of])
        self._text_categories: dict[str, frozenset[str]] = {}

    def _decision_rules(self) -> list[tuple[str, str]]:
        """(rule path, decision) of every decision rule the policies define: evaluating these rules alone is
        several times faster than evaluating the whole ``data.adloom.policies`` tree (helpers and tables
        included) and serialising it."""
        self._engine.set_input_json("{}")
        rules = []
        for package in self._packages:
            for decision in DECISIONS:
                try:
                    self._engine.eval_rule_as_json(f"{package}.{decision}")
                except RuntimeError as exc:
                    if "not a valid rule path" in str(exc):
                        continue
                rules.append((f"{package}.{decision}", decision))
        return rules

    def evaluate(self, doc: dict[str, Any]) -> PolicyResult:
        # JSON, not ``set_input(dict)``: that binding reads Python's False as the number 0
        self._engine.set_input_json(json.dumps(doc))
        out: dict[str, list[dict[str, Any]]] = {k: [] for k in DECISIONS}
        for rule, decision in self._rules:
            try:
                value = json.loads(self._engine.eval_rule_as_json(rule))
            except RuntimeError as exc:
                raise _parse_error(exc, str(self.root)) from exc
            if isinstance(value, list):
                out[decision].extend(value)
        return PolicyResult(**{k: sorted(v, key=lambda d: json.dumps(d, sort_keys=True)) for k, v in out.items()})

    def smoke_test(self) -> None:
        """Evaluate once with every category and every decision path reachable: a rule that calls an unknown
        function or indexes a table wrongly fails here, at load, instead of in the middle of a run."""
        doc = {"concept": {"id": "smoke", "angle": "", "segment_id": "", "texts": [{"field": "x", "text": "x"}]},
               "campaign": {"platforms": ["meta", "google", "tiktok"], "countries": ["US", "GB", "NO"], "age_min": 13,
                            "age_max": 65, "vertical": None, "permissions": []},
               "categories": sorted({*self.tables.get("category_terms", {}), *self.tables.get("restricted_categories",
                                                                                               [])}),
               "claims": [{"kind": "superlative", "text": "x", "evidence": False}]}
        self.evaluate(doc)

    def categories(self, texts: Iterable[str], vertical: str | None) -> list[str]:
        """Restricted categories the concept falls in: from the vertical, and from category terms in its copy."""
        found = set(self.tables.get("vertical_categories", {}).get(vertical or "", []))
        new: list[str] = []
        for text in texts:
            cats = self._text_categories.get(text)
            if cats is None:
                new.append(text)
            else:
                found |= cats
        if new:
            found |= self._new_categories(list(dict.fromkeys(new)))
        return sorted(found)

    def _new_categories(self, texts: list[str]) -> set[str]:
        """Categories of texts not seen before, in one pass over them joined; each text's are cached."""
        per_text: list[set[str]] = [set() for _ in texts]
        joined = join_texts(texts)
        if joined is None:
            for i, text in enumerate(texts):
                per_text[i] = {c for h in self._category_matcher.find(text) if (c := self._category(h.term))}
        else:
            for hit in self._category_matcher.find(joined.text):
                if category := self._category(hit.term):
                    per_text[joined.locate(hit.start, hit.end)[0]].add(category)
        for text, cats in zip(texts, per_text, strict=True):
            if len(self._text_categories) < 100_000:
                self._text_categories[text] = frozenset(cats)
        return {c for cats in per_text for c in cats}

    def _category(self, term: str) -> str | None:
        return self._category_of[" ".join(term.split()).casefold()]

    def findings(self, result: PolicyResult) -> list[Finding]:
        out = []
        for decision, severity in DECISIONS.items():
            for item in getattr(result, decision):
                rule_id = f"policy.{item.get('id', 'unnamed')}"
                out.append(Finding(
                    rule_id=rule_id, pack=f"rego@{self.version}", severity=severity,
                    message=str(item.get("msg", rule_id)), field=f"policy.{decision}",
                    excerpt=str(item.get("excerpt", "")), fix_hint=str(item.get("fix", ""))))
        return out

    def run_tests(self, tests: dict[str, str] | None = None) -> dict[str, bool]:
        """Evaluate every ``test_*`` rule of the bundle's Rego unit tests (what ``opa test`` runs) -> name: passed."""
        tests = tests if tests is not None else _read_tests(self.root)
        engine = _engine({**self.policies, **tests}, self.data)
        results: dict[str, bool] = {}
        for text in tests.values():
            package = re.search(r"^package\s+([\w.]+)", text, re.M)
            for name in re.findall(r"^(test_\w+)", text, re.M):
                rule = f"{package.group(1) if package else ''}.{name}"
                try:
                    results[rule] = json.loads(engine.eval_rule_as_json(f"data.{rule}")) is True
                except RuntimeError:
                    results[rule] = False   # an error inside a test is a failure, not a skip
        return results


def _engine(policies: dict[str, str], data: dict[str, Any]) -> regorus.Engine:
    engine = regorus.Engine()
    for name, text in policies.items():
        engine.add_policy(name, text)
    engine.add_data_json(json.dumps(data))
    return engine


def read_source(path: Path) -> str:
    """A bundle file's text; bytes that are not UTF-8 are a one-line error naming the file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PolicyBundleError(f"cannot read: {exc.strerror}", file=str(path)) from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PolicyBundleError(f"not valid UTF-8 (byte {exc.start}); save the file as UTF-8", file=str(path),
                                line=raw.count(b"\n", 0, exc.start) + 1) from None


def _read_tests(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): read_source(p) for p in sorted((root / "tests").glob("*.rego"))}


def _bundle_files(root: Path) -> tuple[dict[str, str], list[Path]]:
    policies = {str(p.relative_to(root)): read_source(p) for p in sorted(root.glob("*.rego"))}
    data_files = sorted(root.glob("data.json"))
    return policies, data_files


def _parse_error(exc: Exception, fallback_file: str) -> PolicyBundleError:
    text = str(exc)
    m = _PARSE_ERROR.search(text)
    if m is None:
        first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
        return PolicyBundleError(first, file=fallback_file)
    return PolicyBundleError(m.group("msg").strip(), file=m.group("file"), line=int(m.group("line")))


def load_bundle(root: Path) -> Bundle:
    """Read, parse and validate a bundle folder; ``PolicyBundleError`` (file, line, problem) on the first fault."""
    root = Path(root)
    if not root.is_dir():
        raise PolicyBundleError("policy bundle folder does not exist", file=str(root))
    policies, data_files = _bundle_files(root)
    if not policies:
        raise PolicyBundleError("no .rego policy in the bundle folder", file=str(root))
    data: dict[str, Any] = {}
    digest = hashlib.sha256()
    for path in data_files:
        raw = read_source(path)
        try:
            data.update(validate_tables(raw))
        except TableError as exc:
            raise PolicyBundleError(exc.problem, file=str(path), line=exc.line) from exc
        digest.update(f"{path.name}\0{hashlib.sha256(raw.encode()).hexdigest()}\0".encode())
    for name, text in policies.items():
        try:
            regorus.Engine().add_policy(str(root / name), text)
        except RuntimeError as exc:
            raise _parse_error(exc, str(root / name)) from exc
        digest.update(f"{name}\0{hashlib.sha256(text.encode()).hexdigest()}\0".encode())
    bundle = Bundle(root, policies, data, digest.hexdigest()[:16])
    bundle.smoke_test()
    _own_tests_pass(bundle)
    return bundle


def _line_of(text: str, pattern: str) -> int | None:
    found = re.search(pattern, text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _own_tests_pass(bundle: Bundle) -> None:
    """Refuse the bundle unless every Rego test in ``tests/`` and every table case in ``cases/`` passes."""
    tests = _read_tests(bundle.root)
    try:
        results = bundle.run_tests(tests)
    except RuntimeError as exc:           # a test file that does not parse
        raise _parse_error(exc, str(bundle.root / "tests")) from None
    for rule, passed in results.items():
        if not passed:
            name = rule.rsplit(".", 1)[-1]
            file = next((f for f, text in tests.items() if _line_of(text, rf"^{name}\b")), "tests")
            raise PolicyBundleError(f"Rego test {name} fails: a bundle whose own tests fail is not loaded",
                                    file=str(bundle.root / file), line=_line_of(tests.get(file, ""), rf"^{name}\b"))
    for case in run_cases(bundle):
        if not case.passed:
            path = bundle.root / "cases" / case.file
            raise PolicyBundleError(
                f"case '{case.name}' expects {case.expected}, the bundle decides {case.actual}: a bundle whose own "
                "cases fail is not loaded", file=str(path),
                line=_line_of(read_source(path), rf"name:\s*['\"]?{re.escape(case.name)}"))


_per_thread = threading.local()


def default_bundle() -> Bundle:
    """The bundle shipped as package data, one per thread: a regorus engine may only be used on the thread that
    built it ("unsendable"), and runs started from the desk or a test's server thread would otherwise share one."""
    bundle: Bundle | None = getattr(_per_thread, "bundle", None)
    if bundle is None:
        bundle = _per_thread.bundle = load_bundle(Path(str(resources.files("adloom.data") / "policies")))
    return bundle


class PolicyRegistry:
    """The active bundle; a refused reload leaves the previous one in force."""

    def __init__(self, initial: Bundle | None = None) -> None:
        self.active = initial or default_bundle()
        self.last_error: PolicyBundleError | None = None

    def reload(self, root: Path) -> Bundle:
        """Load ``root``; on a fault keep the active bundle, remember the error and raise it."""
        try:
            bundle = load_bundle(root)
        except PolicyBundleError as exc:
            self.last_error = exc
            raise
        self.active, self.last_error = bundle, None
        return bundle


def policy_input(concept: Concept, brand: BrandObject, campaign: Campaign, *, categories: list[str],
                 claims: list[dict[str, Any]] | None = None,
                 fields: Sequence[TextField] | None = None) -> dict[str, Any]:
    """The input document: concept texts, campaign context, detected categories and claim spans.

    ``fields``: the draft's ``text_fields`` when the caller has them already."""
    if fields is None:
        fields = list(text_fields(concept.draft)) if concept.draft else []
    texts = [{"field": f.path, "text": f.text} for f in fields if f.audience and f.text]
    return {
        "concept": {"id": concept.id, "angle": concept.angle.id, "segment_id": concept.segment_id, "texts": texts},
        "campaign": campaign_context(brand, campaign),
        "categories": categories,
        "claims": claims or [],
    }


def campaign_context(brand: BrandObject, campaign: Campaign) -> dict[str, Any]:
    return {"platforms": list(campaign.platforms), "countries": [c.upper() for c in campaign.countries],
            "age_min": campaign.age_min, "age_max": campaign.age_max,
            "vertical": campaign.vertical or brand.vertical, "permissions": list(campaign.permissions)}


@dataclass(frozen=True)
class CaseResult:
    file: str
    name: str
    passed: bool
    expected: dict[str, list[str]]
    actual: dict[str, list[str]]


def run_cases(bundle: Bundle, cases_dir: Path | None = None) -> list[CaseResult]:
    """Table cases (``cases/*.yaml``: a list of {name, input, expect: {deny|rewrite|review: [ids]}}).

    Each listed decision must produce exactly the listed ids; a decision not listed is not checked.
    """

    folder = cases_dir or bundle.root / "cases"
    out = []
    for path in sorted(folder.glob("*.yaml")):
        for case in _case_list(path):
            result = bundle.evaluate(case["input"])
            expected = {k: sorted(v or []) for k, v in case.get("expect", {}).items()}
            actual = {k: result.ids(k) for k in DECISIONS}
            passed = all(actual.get(k) == v for k, v in expected.items())
            out.append(CaseResult(path.name, case["name"], passed, expected, actual))
    return out


def _case_list(path: Path) -> list[dict[str, Any]]:
    """A case file's cases, each with ``name``, ``input`` (a mapping) and optional ``expect``; else one error."""
    text = read_source(path)
    try:
        cases = yamlutil.safe_load(text) or []
    except Exception as exc:  # yaml.YAMLError: name the line
        mark = getattr(exc, "problem_mark", None)
        raise PolicyBundleError(f"case file is not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path),
                                line=mark.line + 1 if mark else None) from None
    if not isinstance(cases, list) or not all(
            isinstance(c, dict) and isinstance(c.get("name"), str) and isinstance(c.get("input"), dict)
            and isinstance(c.get("expect", {}), dict) for c in cases):
        raise PolicyBundleError("a case file is a list of {name, input: {...}, expect: {deny|rewrite|review: "
                                "[ids]}}", file=str(path))
    return cases
