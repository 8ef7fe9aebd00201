"""Rule candidates: when reviewers reject copy for the same phrase again and again, propose a pack rule.

A candidate carries the rule (the phrase as a term, ``block``) and test cases made from the rejected copy.
Accepting it writes a new version of the project's ``review_learned`` pack, and only after the whole policy
test suite (default and project cases, plus the new ones) passes against the pack set with the new rule in
it: the files are first written to a scratch copy of the project's packs and tested there.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tempfile
from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from adloom.errors import Conflict, NotFound, PolicyViolation
from adloom.governance.packs import load_packs
from adloom.governance.policytest import case_files, load_cases, run_cases
from adloom.governance.textcheck import check_text
from adloom.store.concepts import get_concept
from adloom.store.tables import ReviewDecisionRow, RuleCandidateRow

__all__ = ["PACK_ID", "accept", "propose"]

PACK_ID = "review_learned"
MIN_REJECTIONS = 3


def normalise(phrase: str) -> str:
    return re.sub(r"\s+", " ", phrase).strip().strip(".!?,;:").lower()


def _rule_id(phrase: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", phrase).strip("_")[:40] or "phrase"
    return f"review.{slug}"


def _sentences_with(text: str, phrase: str) -> list[str]:
    """The sentences of ``text`` holding ``phrase`` (case-insensitive): the test cases' texts."""
    parts = re.split(r"(?<=[.!?])\s+", text)
    return [p.strip() for p in parts if phrase in p.lower()]


def propose(session: Session, *, min_rejections: int = MIN_REJECTIONS) -> list[RuleCandidateRow]:
    """Create or refresh a candidate for every phrase rejected on ``min_rejections`` or more concepts."""
    by_phrase: dict[str, dict[str, str]] = defaultdict(dict)       # phrase -> concept id -> a rationale
    for concept_id, phrase, rationale in session.execute(
            select(ReviewDecisionRow.concept_id, ReviewDecisionRow.phrase, ReviewDecisionRow.rationale)
            .where(ReviewDecisionRow.decision == "reject", ReviewDecisionRow.phrase.is_not(None))):
        key = normalise(phrase or "")
        if len(key) >= 3:
            by_phrase[key][concept_id] = rationale
    out = []
    for phrase, concepts in sorted(by_phrase.items()):
        if len(concepts) < min_rejections:
            continue
        cid = hashlib.sha256(phrase.encode()).hexdigest()[:32]
        row = session.get(RuleCandidateRow, cid)
        cases: list[str] = []
        for concept_id in concepts:
            concept = get_concept(session, concept_id)
            for variant in concept.draft.copy_variants if concept and concept.draft else []:
                for text in variant.model_dump(exclude={"platform"}).values():
                    for sentence in _sentences_with(text, phrase) if isinstance(text, str) else []:
                        if sentence not in cases:
                            cases.append(sentence)
        payload = {"rule": {"id": _rule_id(phrase), "phrase": phrase, "severity": "block"},
                   "cases": cases[:10] or [phrase], "concepts": sorted(concepts),
                   "rationales": sorted(set(concepts.values()))[:5]}
        if row is None:
            row = RuleCandidateRow(id=cid, phrase=phrase, state="proposed", rejections=len(concepts),
                                   created_at=datetime.now(UTC), payload=payload)
            session.add(row)
        elif row.state == "proposed":
            row.rejections, row.payload = len(concepts), payload
        out.append(row)
    return out


def _pack_files(project: Path) -> tuple[Path, Path]:
    return project / "packs" / f"{PACK_ID}.yaml", project / "packs" / "cases" / f"{PACK_ID}.yaml"


def _next_documents(project: Path, row: RuleCandidateRow, by: str) -> tuple[dict[str, Any], dict[str, Any]]:
    pack_path, cases_path = _pack_files(project)
    pack: dict[str, Any] = (yaml.safe_load(pack_path.read_text(encoding="utf-8")) if pack_path.exists() else
                            {"id": PACK_ID, "version": "0", "description": "Rules learned from reviewers' rejections "
                             "on the desk; each was accepted by an admin after the policy tests passed.",
                             "rules": []})
    cases: dict[str, Any] = (yaml.safe_load(cases_path.read_text(encoding="utf-8")) if cases_path.exists()
                             else {"pack": PACK_ID, "cases": []})
    rule = row.payload["rule"]
    if any(r["id"] == rule["id"] for r in pack["rules"]):
        raise Conflict(f"rule {rule['id']} is already in the {PACK_ID} pack")
    pack["version"] = str(int(str(pack.get("version", "0"))) + 1)
    pack["rules"].append({
        "id": rule["id"], "description": f"rejected by reviewers {row.rejections} times: '{row.phrase}'",
        "category": "reviewer", "severity": rule["severity"], "terms": [row.phrase],
        "fix_hint": f"Reviewers reject '{row.phrase}'; say it another way "
                    f"(their reasons: {'; '.join(row.payload.get('rationales', []))[:200]})",
        "source": f"review desk: {row.rejections} rejections; accepted by {by}", "checked": date.today().isoformat()})
    return pack, cases


def accept(session: Session, candidate_id: str, project: Path, *, by: str) -> dict[str, Any]:
    """Write the new pack version if, and only if, every policy test passes with it; returns what was done."""
    row = session.get(RuleCandidateRow, candidate_id, with_for_update=True)
    if row is None:
        raise NotFound(f"no rule candidate '{candidate_id}'")
    if row.state != "proposed":
        raise Conflict(f"rule candidate '{candidate_id}' is already {row.state}")
    pack, cases = _next_documents(project, row, by)
    with tempfile.TemporaryDirectory(prefix="adloom-rules-") as scratch:
        trial = Path(scratch)
        if (project / "packs").is_dir():
            shutil.copytree(project / "packs", trial / "packs")
        (trial / "packs" / "cases").mkdir(parents=True, exist_ok=True)
        pack_path, cases_path = _pack_files(trial)
        pack_path.write_text(yaml.safe_dump(pack, sort_keys=False, allow_unicode=True), encoding="utf-8")
        packs = load_packs(trial, strict=True, cache_dir=trial / "matcher")
        rule_id = row.payload["rule"]["id"]
        new_cases = []
        for i, text in enumerate(row.payload["cases"]):
            hits = [f.rule_id for f in check_text(text, packs=packs, policies=False).findings
                    if not f.rule_id.startswith("limits.")]
            new_cases.append({"name": f"rejected on the desk ({row.id[:8]}, {i + 1})", "text": text, "hits": hits})
        cases["cases"] += new_cases
        cases_path.write_text(yaml.safe_dump(cases, sort_keys=False, allow_unicode=True), encoding="utf-8")
        report = run_cases(packs, load_cases(case_files(trial, packs)))
        failed = [f"{r.case.where}: {'; '.join(r.failures)}" for r in report.failed]
        missed = [c["text"] for c in new_cases if rule_id not in c["hits"]]
        if failed or missed:
            reasons = failed[:3] + [f"the new rule does not match: {t!r}" for t in missed[:3]]
            raise PolicyViolation("policy tests fail with the new rule, nothing written: " + " | ".join(reasons))
        final_pack, final_cases = _pack_files(project)
        final_cases.parent.mkdir(parents=True, exist_ok=True)
        for source, target in ((pack_path, final_pack), (cases_path, final_cases)):
            staged = target.with_suffix(".yaml.tmp")
            shutil.copyfile(source, staged)
            staged.replace(target)          # each file appears whole or not at all
    row.state, row.decided_by = "accepted", by
    done = {"pack": f"{PACK_ID}@{pack['version']}", "rule": rule_id, "file": str(final_pack),
            "cases": len(report.results), "new_cases": len(new_cases)}
    row.payload = {**row.payload, "accepted": done}
    return done
