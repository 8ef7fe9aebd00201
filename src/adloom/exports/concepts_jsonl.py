"""concepts.jsonl: every concept of the run, one JSON object a line, with its final verdict."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from adloom.exports.atomic import atomic_open
from adloom.exports.common import final_verdict
from adloom.types import Concept, Verdict


def concept_line(concept: Concept, verdict: Verdict | None) -> str:
    """The concept's own JSON with a ``verdict`` key added; pydantic does the serialising so dates
    and tuples come out exactly as ``Concept.model_validate_json`` expects them back."""
    record = json.loads(concept.model_dump_json())
    record["verdict"] = json.loads(verdict.model_dump_json()) if verdict else None
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_concepts_jsonl(path: Path, concepts: Sequence[Concept], verdicts: Mapping[str, Sequence[Verdict]],
                         lines: Mapping[str, str] | None = None) -> Path:
    """``lines``: lines made ahead, by concept id; the caller vouches they are current."""
    ahead = lines or {}
    with atomic_open(path) as handle:
        for concept in concepts:
            line = ahead.get(concept.id) or concept_line(concept, final_verdict(verdicts, concept.id))
            handle.write(line + "\n")
    return path
