"""Policy tests, like ``opa test``: table-driven YAML cases run against the packs in force, with coverage.

A case file names the pack it tests and lists cases::

    pack: general
    cases:
      - name: cure claim
        text: "This tea cures diabetes"
        context: {platform: google, country: US, vertical: weight_loss}
        hits: [health.cure]            # the exact rule ids hit, in span order ([] = clean)
        route: reject                  # optional: the route ``check_text`` gives

Default packs ship their cases in ``adloom/data/packs/cases``; a project adds ``<project>/packs/cases``.
When a project pack replaces a default pack, that pack's default cases are dropped. A rule is covered when
some case hits it; the report lists every rule no case exercises.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from adloom.errors import PolicyViolation
from adloom.governance.packs import PackSet
from adloom.governance.packs.yamlsrc import YamlError, line_of, load
from adloom.governance.textcheck import check_text
from adloom.types import Route

__all__ = ["Case", "CaseResult", "Report", "case_files", "load_cases", "run_cases"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Context(_Strict):
    platform: str | None = None
    country: str | None = None
    vertical: str | None = None
    age_min: int | None = None


class CaseSpec(_Strict):
    name: str
    text: str
    context: Context = Context()
    hits: tuple[str, ...] | None = None
    route: Route | None = None


class CaseFile(_Strict):
    pack: str
    cases: tuple[CaseSpec, ...]


@dataclass(frozen=True)
class Case:
    pack: str
    spec: CaseSpec
    file: str
    line: int | None

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class CaseResult:
    case: Case
    hits: tuple[str, ...]
    route: Route
    failures: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass
class Report:
    packs_version: str
    results: list[CaseResult]
    rules: list[str]                       # every rule id in force
    covered: set[str] = field(default_factory=set)

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    @property
    def uncovered(self) -> list[str]:
        return [r for r in self.rules if r not in self.covered]

    @property
    def coverage(self) -> float:
        return 100.0 * (len(self.rules) - len(self.uncovered)) / len(self.rules) if self.rules else 100.0


def _load_file(path: Path) -> list[Case]:
    try:
        data, root = load(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        raise PolicyViolation(exc.message, file=str(path), line=exc.line) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyViolation(f"cannot read case file: {exc}", file=str(path)) from None
    try:
        parsed = CaseFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = tuple(err["loc"])
        raise PolicyViolation(f"{'.'.join(map(str, loc))}: {err['msg']}", file=str(path),
                              line=line_of(root, loc)) from None
    return [Case(parsed.pack, spec, str(path), line_of(root, ("cases", i)))
            for i, spec in enumerate(parsed.cases)]


def case_files(project_dir: Path | None, packs: PackSet) -> list[Path]:
    """Default case files (for default packs still in force) and the project's own."""
    root = resources.files("adloom") / "data" / "packs" / "cases"
    defaults = sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".yaml"))
    replaced = {pid for pid, origin in packs.origins.items() if project_dir and origin.startswith(str(project_dir))}
    out = [p for p in defaults if p.stem not in replaced]
    if project_dir is not None:
        out += sorted((project_dir / "packs" / "cases").glob("*.yaml"))
    return out


def load_cases(paths: list[Path]) -> list[Case]:
    return [case for path in paths for case in _load_file(path)]


def _run_one(case: Case, packs: PackSet) -> CaseResult:
    ctx = case.spec.context
    checked = check_text(case.spec.text, platform=ctx.platform, country=ctx.country, age_min=ctx.age_min,
                         vertical=ctx.vertical, packs=packs, policies=False)
    hits = tuple(f.rule_id for f in checked.findings if not f.rule_id.startswith("limits."))
    failures = []
    if case.spec.hits is not None and hits != case.spec.hits:
        failures.append(f"hits {list(hits)}, expected {list(case.spec.hits)}")
    if case.spec.route is not None and checked.route != case.spec.route:
        failures.append(f"route {checked.route}, expected {case.spec.route}")
    return CaseResult(case, hits, checked.route, tuple(failures))


def run_cases(packs: PackSet, cases: list[Case]) -> Report:
    report = Report(packs.version, [], [rule.id for _pack, rule in packs.rules])
    for case in cases:
        result = _run_one(case, packs)
        report.results.append(result)
        report.covered.update(result.hits)
    return report
