"""GovernorPool: verdicts judged in worker processes equal the in-process Governor's, in input order."""

from __future__ import annotations

import pytest

from adloom.governance.governor import Governor
from adloom.governance.pool import GovernorPool
from adloom.types import Campaign
from tests.governance_context.corpus import example_brand, example_concepts


def test_pool_verdicts_equal_in_process_verdicts(governor: Governor) -> None:
    brand = example_brand()
    concepts = example_concepts()
    broken = concepts[0].model_copy(deep=True, update={"id": "broken"})
    assert broken.draft is not None
    broken.draft.hooks[0].text = "The #1 cure for insomnia, guaranteed"      # something to find
    concepts = [*concepts, broken]
    want = governor.verdicts(concepts)
    with GovernorPool(brand, Campaign(vertical=brand.vertical), workers=2, chunk=3) as pool:
        got = pool.verdicts(concepts)
    assert [v.concept_id for v in got] == [c.id for c in concepts]
    for mine, theirs in zip(got, want, strict=True):
        assert mine.route == theirs.route
        assert [(f.rule_id, f.field, f.span) for f in mine.findings] == [
            (f.rule_id, f.field, f.span) for f in theirs.findings]
        assert mine.scores == pytest.approx(theirs.scores, abs=1e-4)     # one ONNX thread vs several
    assert {f.rule_id for f in got[-1].findings} >= {"claims.superlative_unbacked", "claims.health_unbacked"}
