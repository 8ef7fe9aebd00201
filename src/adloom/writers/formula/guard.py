"""What the formula writer may never say: checked on every phrase before it is used (prevention first).

Three kinds of text are refused: the brand's forbidden terms and competitor names, excerpts that
governance flagged on the previous attempt, and claims the writer would be making on its own —
numbers, superlatives and outcome promises — unless they sit inside an approved claim's statement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from adloom.textutil import compile_terms, normalize_space
from adloom.types import Claim
from adloom.writers.base import ConceptTask

# Words that make a claim by themselves; the formula writer never writes them unless a claim backs them.
UNBACKED_TERMS: tuple[str, ...] = (
    "best", "worst", "fastest", "quickest", "cheapest", "strongest", "greatest", "biggest", "largest",
    "easiest", "safest", "smartest", "most", "least", "leading", "ultimate", "unbeatable", "unrivalled",
    "unrivaled", "number one", "no. 1", "top-rated", "world's first", "first-ever", "guarantee",
    "guaranteed", "miracle", "cure", "cures", "cured", "heal", "heals", "risk-free", "clinically",
    "proven", "doctor recommended", "instant", "instantly", "forever", "permanent", "pain-free",
    # causal words: governance blocks them outside an approved claim, so the brand's own answers and mined
    # phrases that carry one are not printed ("the routines tell you when to ease off")
    "reduce", "reduces", "reduced", "relieve", "relieves", "relief", "ease", "eases", "improve", "improves",
    "boost", "boosts", "prevent", "prevents", "treat", "treats", "eliminate", "eliminates", "repair",
    "repairs", "restore", "restores", "speeds up",
)
# comparatives: "quieter", "more than" are claims too (governance: claims.comparative_unbacked)
_COMPARATIVE = re.compile(r"\b(?:\w+er|more|less|fewer)\s+than\b|\b(?:faster|quicker|stronger|better|deeper|quieter)\b",
                          re.IGNORECASE)
_UNBACKED = compile_terms(UNBACKED_TERMS)
# "#1", "100%", "$5": symbols that carry a number or a price even where \w boundaries do not apply
_NUMERIC = re.compile(r"\d|#\s*1\b|%|\$|£|€")


@dataclass(frozen=True)
class Guard:
    forbidden: re.Pattern[str] | None       # brand avoid list, competitor names, flagged excerpts
    claim_statements: tuple[str, ...]        # lower-cased; inside these, numbers and superlatives are fine
    _verdicts: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)  # per task, memo

    @classmethod
    def for_task(cls, task: ConceptTask, *, with_flagged: bool = True) -> Guard:
        """``with_flagged=False``: without last attempt's flagged excerpts (for the phrase pools, which
        must stay the same across attempts so the hooks later segments were told about stay the same)."""
        flagged = [f.excerpt for f in task.constraints.previous_findings if f.excerpt.strip()] if with_flagged else []
        forbidden = compile_terms([*task.constraints.forbidden_terms, *task.brand.competitors, *flagged])
        statements = tuple(normalize_space(c.statement).lower()
                           for c in task.constraints.approved_claims if c.statement.strip())
        return cls(forbidden=forbidden, claim_statements=statements)

    def ok(self, text: str) -> bool:
        """True when ``text`` may appear in copy as written."""
        verdict = self._verdicts.get(text)
        if verdict is None:
            verdict = self._verdicts[text] = self._check(text)
        return verdict

    def _check(self, text: str) -> bool:
        if self.forbidden is not None and self.forbidden.search(text):
            return False
        unclaimed = self._without_claims(text)
        if _NUMERIC.search(unclaimed):
            return False
        if _COMPARATIVE.search(unclaimed):
            return False
        return not (_UNBACKED is not None and _UNBACKED.search(unclaimed))

    def usable_claims(self, claims: list[Claim]) -> list[Claim]:
        """Approved claims whose wording does not itself hit a forbidden term or flagged excerpt."""
        return [c for c in claims
                if c.statement.strip() and not (self.forbidden and self.forbidden.search(c.statement))]

    def _without_claims(self, text: str) -> str:
        lowered = normalize_space(text).lower()
        for statement in self.claim_statements:
            lowered = lowered.replace(statement, " ")
        return lowered
