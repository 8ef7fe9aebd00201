"""Second opinion: a disagreeing reviewer routes an approved concept to human review."""

from __future__ import annotations

import json

from adloom.errors import ProviderTimeout
from adloom.types import BrandObject, Campaign, Concept, Document
from adloom.writers.anthropic import AnthropicWriter
from adloom.writers.base import ConceptTask
from adloom.writers.fake import FakeWriter
from adloom.writers.formula import write_concept
from adloom.writers.verify import RULE_ID, apply_second_opinion, second_opinion
from tests.writers_models.server import ModelServer, text_reply


def _concept(task: ConceptTask) -> Concept:
    return Concept(id="c1", brand_slug="restwave", brand_version="v", angle=task.angle, segment_id="s",
                   writer_id="openai:m", status="approved", draft=write_concept(task))


async def test_disagreement_routes_to_review(anthropic_server: ModelServer, concept_task: ConceptTask,
                                             example: tuple[BrandObject, list[Document]]) -> None:
    anthropic_server.script(text_reply(json.dumps({"agree": False, "issues": ["hooks[1]: implies a cure"],
                                                   "unsupported_claims": ["cures soreness"]})))
    reviewer = AnthropicWriter("claude-test", base_url=anthropic_server.base_url, api_key="test-key")
    concept = _concept(concept_task)
    finding = await second_opinion(concept, brand=example[0], campaign=Campaign(), writer=reviewer)
    assert finding is not None and finding.rule_id == RULE_ID and finding.severity == "review"
    assert "implies a cure" in finding.message and finding.excerpt == "cures soreness"
    assert apply_second_opinion(concept, finding).status == "review"
    assert anthropic_server.requests[0]["tool_choice"]["name"] == "emit_SecondOpinion"


async def test_agreement_and_unavailable_reviewer(anthropic_server: ModelServer, concept_task: ConceptTask,
                                                  example: tuple[BrandObject, list[Document]]) -> None:
    concept = _concept(concept_task)
    reviewer = AnthropicWriter("claude-test", base_url=anthropic_server.base_url, api_key="test-key")
    assert await second_opinion(concept, brand=example[0], campaign=Campaign(), writer=reviewer) is None
    down = await second_opinion(concept, brand=example[0], campaign=Campaign(),
                                writer=FakeWriter([ProviderTimeout("no reply")]))
    assert down is not None and "unavailable" in down.message
    rejected = concept.model_copy(update={"status": "rejected"})
    assert await second_opinion(rejected, brand=example[0], campaign=Campaign(), writer=reviewer) is None
