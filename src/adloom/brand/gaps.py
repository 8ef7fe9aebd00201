"""What the brand material leaves out, and scaffold placeholders left in.

A placeholder from ``adloom init`` that reaches copy produces ads for "Your Brand": that is an input
error, named by file and field. Missing material is not an error: the writer makes fewer, honest
concepts, and the run lists what would let it do more.
"""

from __future__ import annotations

from typing import Any

from adloom.errors import BrandInputError
from adloom.types import BrandObject, Document

# (field path in the form or persona, the scaffold's placeholder value)
_FORM_PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("brand_name", "Your Brand"),
    ("products[0].name", "Your product"),
    ("positioning", "For <who>, <brand> is the <category> that <benefit>, unlike <alternative>."),
    ("pillars[0].name", "Main benefit"),
)
_PERSONA_PLACEHOLDERS: tuple[tuple[str, str], ...] = (
    ("label", "First segment"),
    ("description", "Who they are, in one sentence."),
)


def check_placeholders(documents: list[Document]) -> None:
    """Raise on the first scaffold placeholder still in a form or persona file."""
    for doc in documents:
        if doc.kind == "form":
            _check(doc, _FORM_PLACEHOLDERS)
        elif doc.kind == "persona":
            _check(doc, _PERSONA_PLACEHOLDERS)


def _check(doc: Document, placeholders: tuple[tuple[str, str], ...]) -> None:
    for path, placeholder in placeholders:
        if str(_lookup(doc.data or {}, path) or "").strip() == placeholder:
            raise BrandInputError(f"still the `adloom init` placeholder {placeholder!r}: replace it with your own, "
                                  "or delete the field", file=doc.provenance.file, field=path)


def _lookup(data: Any, path: str) -> Any:
    for part in path.replace("]", "").split("."):
        name, _, index = part.partition("[")
        data = data.get(name) if isinstance(data, dict) else None
        if index and isinstance(data, list):
            data = data[int(index)] if len(data) > int(index) else None
    return data


def missing(brand: BrandObject) -> list[str]:
    """One line per gap that limits what the writer can say, in the order a strategist would fill them."""
    gaps = []
    if not any(s.pain_points for s in brand.segments):
        gaps.append("no customer pains found: add call transcripts, reviews or a page that names the problem "
                    "(pain-first, contrarian and comparison concepts are skipped)")
    if not any(s.desires for s in brand.segments):
        gaps.append("no customer desires found: aspirational concepts are skipped")
    if not any(s.objections for s in brand.segments):
        gaps.append("no objections with answers found: add an FAQ page; objection concepts are skipped")
    if not brand.approved_claims():
        gaps.append("no approved claims: proof beats show the product instead of quoting a result "
                    "(approve candidates in brand.yaml)")
    if not brand.offers:
        gaps.append("no offer found: copy closes on the call to action alone")
    if not brand.voice.descriptors:
        gaps.append("no voice descriptors: say how the brand sounds in onboarding.yaml (voice.descriptors)")
    return gaps
