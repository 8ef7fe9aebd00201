"""Second opinion on the semantic layer's uncertain band (``ADLOOM_VERIFY_WRITER``), against a real OpenAI-protocol
server on 127.0.0.1 that disagrees, agrees, answers with evidence that is not in the text, or is too slow.

The text used scores in the uncertain band for urgency_scarcity (under its threshold, over its band) and is
approved by every deterministic layer, so only the second opinion can move it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from adloom.cli import check
from adloom.cli.common import store_for
from adloom.store.tables import WriterCallRow
from tests.writers_models.server import ModelServer, Reply, serve, text_reply

TEXT = "Back in stock in charcoal. Available in navy."
CATEGORY = "urgency_scarcity"

app = typer.Typer(pretty_exceptions_enable=False)
app.command("check")(check.check)
app.command("other")(lambda: None)
runner = CliRunner()


def judgement(violates: bool, evidence: str = "", confidence: float = 0.9) -> Reply:
    return text_reply(json.dumps({"violates": violates, "category": CATEGORY if violates else None,
                                  "evidence": evidence, "confidence": confidence}))


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModelServer]:
    with serve("openai") as s:
        monkeypatch.setenv("ADLOOM_VERIFY_WRITER", "openai:judge-test")
        monkeypatch.setenv("ADLOOM_OPENAI_BASE_URL", s.base_url)
        monkeypatch.setenv("ADLOOM_OPENAI_API_KEY", "test-key")
        monkeypatch.setenv("ADLOOM_WRITER_TIMEOUT", "5")
        yield s


def run_check(project: Path, *extra: str) -> dict[str, Any]:
    result = runner.invoke(app, ["check", TEXT, "--format", "json", "--project", str(project), *extra])
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)["results"]
    return dict(row)


def calls(project: Path) -> list[WriterCallRow]:
    with store_for(project)() as session:
        return list(session.scalars(select(WriterCallRow)))


def test_the_text_is_uncertain_and_approved_without_a_second_opinion(tmp_path: Path) -> None:
    row = run_check(tmp_path)
    assert row["route"] == "approve"
    assert [(s["category"], s["uncertain"]) for s in row["semantic"]] == [(CATEGORY, True)]


def test_a_disagreeing_model_leaves_the_route_and_is_recorded(server: ModelServer, tmp_path: Path) -> None:
    server.script(judgement(False, confidence=0.8))
    row = run_check(tmp_path)
    assert row["route"] == "approve" and not any(f["rule_id"].startswith("verify.") for f in row["findings"])
    assert any("not urgency_scarcity" in n for n in row["notes"])
    request = server.requests[0]
    assert request["model"] == "judge-test" and request["response_format"]["json_schema"]["name"] == "PolicyJudgement"
    prompt = " ".join(m["content"] for m in request["messages"])
    assert TEXT in prompt and "untrusted-data" in prompt and '"urgency_scarcity"' in prompt
    [call] = calls(tmp_path)
    assert call.template == "policy_judge@1" and call.writer_id == "openai:judge-test" and call.error is None


def test_an_agreeing_model_raises_to_review_with_its_evidence(server: ModelServer, tmp_path: Path) -> None:
    server.script(judgement(True, evidence="Back in stock", confidence=0.85))
    row = run_check(tmp_path)
    assert row["route"] == "review"
    [finding] = [f for f in row["findings"] if f["rule_id"] == f"verify.{CATEGORY}"]
    assert finding["severity"] == "review" and finding["span"] == [0, 13] and finding["excerpt"] == "Back in stock"
    assert "openai:judge-test" in finding["pack"]
    # the same question again is answered from the store's cache: no second request, the same route
    assert run_check(tmp_path)["route"] == "review" and len(server.requests) == 1


def test_evidence_not_in_the_text_or_low_confidence_raises_nothing(server: ModelServer, tmp_path: Path) -> None:
    server.script(judgement(True, evidence="only 2 left", confidence=0.95))
    row = run_check(tmp_path)
    assert row["route"] == "approve" and any("evidence is not in the text" in n for n in row["notes"])
    server.script(judgement(True, evidence="Back in stock", confidence=0.3))
    row = run_check(tmp_path / "other")
    assert row["route"] == "approve" and any("under 0.6" in n for n in row["notes"])


def test_a_slow_model_is_not_waited_for_past_the_timeout(server: ModelServer, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADLOOM_WRITER_TIMEOUT", "1")
    server.script(Reply(body={"__text__": "{}"}, delay=4.0), Reply(body={"__text__": "{}"}, delay=4.0))
    row = run_check(tmp_path)
    assert row["route"] == "approve"
    assert any("no answer in 1 s" in n or "unavailable" in n for n in row["notes"]), row["notes"]


def test_malformed_answers_are_unavailable_not_raised(server: ModelServer, tmp_path: Path) -> None:
    server.script(*[text_reply("not json at all")] * 8)
    row = run_check(tmp_path)
    assert row["route"] == "approve" and any("unavailable" in n for n in row["notes"]), row["notes"]
    assert all(c.error for c in calls(tmp_path))


def test_nothing_is_asked_when_no_score_is_uncertain(server: ModelServer, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", "New navy backpack, made from recycled nylon.", "--format", "json",
                                 "--project", str(tmp_path)])
    assert result.exit_code == 0 and server.requests == []
