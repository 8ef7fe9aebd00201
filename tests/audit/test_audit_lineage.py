"""Lineage resolves concept ids, prefixes, ad names, asset ids and files to the full decision path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, lineage, lineages
from adloom.errors import InputError, NotFound

from .conftest import BRAND_VERSION, CONCEPT, filler, seed_lineage, tamper

AD_NAME = f"adl_restwave_pain-first_weekend-warriors_h1_{CONCEPT[:8]}_meta"


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    asset, csv = tmp_path / "a.png", tmp_path / "meta.csv"
    asset.write_bytes(b"\x89PNG fake image")
    csv.write_text(f"Ad Name\n{AD_NAME}\n")
    return asset, csv


@pytest.fixture
def seeded(log: AuditLog, store: sessionmaker[Session], files: tuple[Path, Path]) -> sessionmaker[Session]:
    filler(log, 5)
    seed_lineage(log, *files)
    seed_lineage(log, concept="9f8e7d6c5b4a3921")     # a second concept, to prove we pick the right one
    return store


@pytest.mark.parametrize(("ref", "how"), [(CONCEPT, "concept_id"), (CONCEPT[:8], "concept_prefix"),
                                          (AD_NAME, "ad_name"), ("asset-1a2b", "asset_id")])
def test_lineage_resolves_every_kind_of_reference(seeded: sessionmaker[Session], ref: str, how: str) -> None:
    lin = lineage(seeded, ref)
    assert (lin.concept_id, lin.resolved_by, lin.brand_version) == (CONCEPT, how, BRAND_VERSION)
    assert [d["file"] for d in lin.documents] == ["site/index.md"]
    assert lin.generation[0]["writer"] == "openai:gpt-4o-mini" and lin.generation[0]["template"] == "concept@3"
    assert lin.verdicts[0]["rules_fired"] == ["health.cure_claim (health@2, block)"]
    assert lin.verdicts[0]["checks"] == {"lexical": "core@1", "policy": "bundle@2"}
    assert {(a["kind"], a["by"]) for a in lin.approvals} == {("brand.claim_approved", "ana@restwave"),
                                                            ("review.decided", "reviewer:ana")}
    assert lin.exports[0]["ads"] == [AD_NAME]
    assert all(e.intact for e in lin.events)
    assert [e.seq for e in lin.events] == sorted(e.seq for e in lin.events)
    assert {e.subject for e in lin.events} == {CONCEPT, BRAND_VERSION, "run-1"}


def test_lineage_by_file(seeded: sessionmaker[Session], files: tuple[Path, Path]) -> None:
    asset, csv = files
    assert lineage(seeded, str(asset)).resolved_by == "file"
    found = lineages(seeded, str(csv))
    assert [lin.concept_id for lin in found] == [CONCEPT]


def test_lineage_text_and_json(seeded: sessionmaker[Session]) -> None:
    lin = lineage(seeded, CONCEPT)
    out = lin.to_text()
    for expected in ("brand version: " + BRAND_VERSION, "site/index.md:3", "openai:gpt-4o-mini",
                     "concept@3", "rule fired: health.cure_claim", "review.decided by reviewer:ana", AD_NAME):
        assert expected in out
    assert json.loads(lin.model_dump_json())["concept_id"] == CONCEPT


def test_tampered_event_is_flagged_in_lineage(seeded: sessionmaker[Session]) -> None:
    tamper(seeded, "UPDATE audit_events SET actor = 'mallory' WHERE kind = 'review.decided' AND subject = :c",
           c=CONCEPT)
    lin = lineage(seeded, CONCEPT)
    assert [e.kind for e in lin.events if not e.intact] == ["review.decided"]
    assert "DOES NOT VERIFY" in lin.to_text()


@pytest.mark.parametrize(("ref", "error", "match"), [
    ("deadbeefdeadbeef", NotFound, "deadbeef"),
    ("adl_restwave_pain-first_weekend-warriors_h1_00000000_meta", NotFound, "00000000"),
    ("adl_not_a_valid_name", InputError, "naming convention"),
    ("1a2b", NotFound, "at least 8 hex"),
    ("no/such/file.png", NotFound, "does not exist"),
    ("", InputError, "give a concept id"),
])
def test_unknown_references_are_clear_errors(seeded: sessionmaker[Session], ref: str,
                                             error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        lineage(seeded, ref)


def test_unrelated_file_is_a_clear_error(seeded: sessionmaker[Session], tmp_path: Path) -> None:
    stranger = tmp_path / "other.png"
    stranger.write_bytes(b"not ours")
    with pytest.raises(NotFound, match="not rendered or exported"):
        lineage(seeded, str(stranger))


def test_ambiguous_prefix_lists_candidates(log: AuditLog, store: sessionmaker[Session]) -> None:
    seed_lineage(log, concept="abcdef0011111111")
    seed_lineage(log, concept="abcdef0022222222")
    with pytest.raises(InputError, match="ambiguous"):
        lineage(store, "abcdef00")
    assert lineage(store, "abcdef001").concept_id == "abcdef0011111111"


def test_lineage_of_each_matches_lineage_one_by_one(seeded: sessionmaker[Session]) -> None:
    from adloom.audit.lineage import lineage_of_each
    refs = [CONCEPT, "9f8e7d6c5b4a3921", AD_NAME]
    together = lineage_of_each(seeded, refs)
    assert {ref: lin.model_dump() for ref, lin in together.items()} == \
        {ref: lineage(seeded, ref).model_dump() for ref in refs}
