"""Quality figures for written copy: is it built from the brand, or padded from templates?

    .venv/bin/python bench/bench_quality.py                 # formula writer, example brand + two others
    .venv/bin/python bench/bench_quality.py --writer openai:MODEL   # a model writer, same figures

Each brand folder is copied to a scratch folder and run through the real CLI (`adloom run --no-render`,
SQLite, offline for the formula writer); the figures are read from what the run exported:

  distinct structures   hooks with the brand's own words masked out ({x}), counted once each
  distinct leads        the same, up to the hook's first sentence end: a composed hook's lead without its
                        voice tail, so variety from tails alone is visible
  structure reuse       share of brand B's hook structures that brand A's run also used
  near-duplicates       share of hooks whose sentence embedding (all-MiniLM-L6-v2) has cosine > 0.9
                        with another hook of the same run
  from sources          share of Meta primary texts naming a pain, desire or proof point of the brand
  framework labels      "Before:", "After:", "The bridge:", "Problem:" ... in any exported CSV field
  objection answered    share of objection-angle Meta rows whose text after the hook answers the doubt
                        (a sentence sharing half its words with the brand's answer or an approved claim)

Targets (issue 18, example brand): >= 60 distinct structures among 75 hooks, <= 5 % near-duplicates,
<= 20 % structure reuse across two unrelated brands, no framework label, every objection hook answered.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from adloom.brand.text import content_stems, sentences
from adloom.brand.yamlio import load_brand
from adloom.governance.embeddings import default_embedder
from adloom.types import BrandObject

ROOT = Path(__file__).resolve().parents[1]
BRANDS = {"restwave": ROOT / "examples" / "restwave", "ledgerly": ROOT / "evals" / "brands" / "ledgerly",
          "brightbowl": ROOT / "evals" / "brands" / "brightbowl"}
LABEL = re.compile(r"(?:^|[.!?]\s+|\|)\s*(?:Before|After|The bridge|Bridge|Problem|Agitate|Agitation|Solution"
                   r"|Attention|Interest|Desire|Action|Features?|Advantages?|Benefits?)\s*:", re.IGNORECASE)
NEAR_DUPLICATE = 0.9


@dataclass
class RunOutput:
    brand: BrandObject
    concepts: list[dict]
    csv_fields: list[str]
    failed: list[str]


def run_brand(name: str, folder: Path, writer: str, scratch: Path) -> RunOutput:
    copy = scratch / name
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("brand.yaml", ".adloom", "labels.yaml", "out"))
    cmd = [str(Path(sys.executable).parent / "adloom"), "run", str(copy), "--no-render", "--force",
           "--writer", writer, "--out", str(scratch / "out"), "--project", str(scratch)]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=scratch)
    if done.returncode != 0:
        raise SystemExit(f"adloom run {name} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    run_dir = sorted((scratch / "out" / load_brand(copy / "brand.yaml").slug).iterdir())[-1]
    concepts = [json.loads(line) for line in (run_dir / "concepts.jsonl").read_text().splitlines() if line]
    concepts = [c.get("concept", c) for c in concepts]
    fields: list[str] = []
    for export in (run_dir / "exports").glob("*.csv"):
        with export.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.reader(fh, delimiter="\t" if export.read_text()[:200].count("\t") > 2 else ","):
                fields += row
    failed = [f"{c['angle']['id']} x {c['segment_id']}: {c.get('error')}" for c in concepts if c.get("error")]
    return RunOutput(load_brand(copy / "brand.yaml"), [c for c in concepts if c.get("draft")], fields, failed)


def own_phrases(brand: BrandObject) -> list[str]:
    phrases = [brand.name, *(p.name for p in brand.products)]
    for seg in brand.segments:
        phrases += [seg.label, *seg.pain_points, *seg.desires, *seg.objections, *seg.language_patterns]
    phrases += [e.text for e in brand.evidence if e.kind in ("objection", "pain", "desire")]
    return sorted({p.strip().rstrip("?.") for p in phrases if p.strip()}, key=len, reverse=True)


def structure(hook: str, phrases: list[str]) -> str:
    text = hook.lower()
    for phrase in phrases:
        text = text.replace(phrase.lower(), "{x}")
    return re.sub(r"[^a-z{} ]+", "", re.sub(r"\s+", " ", text)).strip()


def hooks_of(out: RunOutput) -> list[str]:
    return [h["text"] for c in out.concepts for h in c["draft"]["hooks"]]


def near_duplicate_rate(hooks: list[str]) -> float:
    if len(hooks) < 2:
        return 0.0
    vectors = default_embedder().embed(hooks)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -1.0)
    return float((sims.max(axis=1) > NEAR_DUPLICATE).mean())


def from_sources(out: RunOutput) -> float:
    brand = out.brand
    named = [p.lower() for s in brand.segments for p in [*s.pain_points, *s.desires]]
    named += [c.statement.lower() for c in brand.approved_claims()]
    named += [e.text.lower() for e in brand.evidence if e.kind in ("pain", "desire", "proof")]
    texts = [c["primary_text"].lower() for x in out.concepts for c in x["draft"]["copy_variants"]
             if c["platform"] == "meta"]
    return sum(any(n in t for n in named) for t in texts) / max(1, len(texts))


def objection_answered(out: RunOutput) -> tuple[int, int]:
    answers = [e.answer for e in out.brand.evidence if e.kind == "objection" and e.answer]
    answers += [c.statement for c in out.brand.approved_claims()]
    total = answered = 0
    for concept in out.concepts:
        if concept["angle"]["id"] != "objection":
            continue
        hooks = {h["id"]: h["text"] for h in concept["draft"]["hooks"]}
        for copy in concept["draft"]["copy_variants"]:
            if copy["platform"] != "meta":
                continue
            total += 1
            after = copy["primary_text"][len(hooks[copy["hook_id"]]):]
            answered += any(_shares_half(s, a) for s in sentences(after) for a in answers)
    return answered, total


def _shares_half(sentence: str, answer: str) -> bool:
    words = content_stems(sentence)
    return bool(words) and len(words & content_stems(answer)) / len(words) >= 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writer", default="formula")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="adloom-quality-") as tmp:
        outs = {name: run_brand(name, folder, args.writer, Path(tmp)) for name, folder in BRANDS.items()}
    structures = {name: [structure(h, own_phrases(o.brand)) for h in hooks_of(o)] for name, o in outs.items()}
    print(f"writer: {args.writer}")
    print(f"{'brand':<11} {'concepts':>8} {'hooks':>6} {'distinct':>9} {'leads':>6} {'templates':>10} {'near-dup':>9} "
          f"{'from src':>9} {'labels':>7} {'objections answered':>20}")
    for name, out in outs.items():
        hooks = hooks_of(out)
        answered, total = objection_answered(out)
        labels = sum(bool(LABEL.search(f)) for f in out.csv_fields)
        templates = {h.get("template_id") for c in out.concepts for h in c["draft"]["hooks"]} - {"", None}
        leads = {structure(re.split(r"(?<=[?.!])\s", h, maxsplit=1)[0], own_phrases(out.brand)) for h in hooks}
        print(f"{name:<11} {len(out.concepts):>8} {len(hooks):>6} {len(set(structures[name])):>9} {len(leads):>6} "
              f"{len(templates) or '-':>10} {near_duplicate_rate(hooks):>8.1%} {from_sources(out):>8.1%} {labels:>7} "
              f"{f'{answered}/{total}':>20}")
    base = set(structures["restwave"])
    for other in ("ledgerly", "brightbowl"):
        theirs = structures[other]
        reused = sum(s in base for s in theirs) / max(1, len(theirs))
        print(f"structure reuse: {reused:.1%} of {other}'s {len(theirs)} hooks use a structure restwave's run used")
    for name, out in outs.items():
        for reason in out.failed:
            print(f"not written ({name}): {reason}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
