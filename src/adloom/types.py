"""The domain vocabulary. Every stage takes and returns these; every stored payload is one of these.

All models are pydantic v2, immutable where they are values (frozen), and serialise to plain JSON.
``adloom schema`` exports the JSON Schema of each model listed in ``SCHEMA_MODELS``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from adloom import jcs
from adloom.platforms import PLATFORMS as ALL_PLATFORMS
from adloom.platforms import Platform

DocumentKind = Literal["website", "product_doc", "persona", "form", "transcript"]
Severity = Literal["block", "review", "warn"]
Route = Literal["approve", "regenerate", "review", "reject"]
ConceptStatus = Literal["approved", "review", "rejected", "failed"]
AwarenessLevel = Literal["unaware", "problem_aware", "solution_aware", "product_aware", "most_aware"]
BeatKind = Literal["hook", "problem", "solution", "proof", "cta"]
ClaimKind = Literal["numeric", "superlative", "comparative", "health", "testimonial", "general"]


def content_hash(data: Any, length: int = 16) -> str:
    """SHA-256 over RFC 8785 canonical JSON; the version of anything we hash."""
    return hashlib.sha256(jcs.dumps(data)).hexdigest()[:length]


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB chunks: what the audit log records for every output."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- ingest


class Provenance(Model):
    """Where a piece of text came from, precise enough to point a person at it."""

    file: str                       # path relative to the brand folder, or the URL for fetched pages
    section: str | None = None      # heading, persona name, form field, speaker turn
    line_start: int | None = None   # 1-based, in the source file
    line_end: int | None = None
    url: str | None = None


class Document(Model):
    """Clean text with provenance. Untrusted: data, never instructions."""

    id: str
    kind: DocumentKind
    title: str = ""
    text: str
    provenance: Provenance
    speaker: str | None = None                   # transcripts: who said it
    data: dict[str, Any] | None = None           # personas and forms: the structured fields as given
    flags: list[str] = Field(default_factory=list)   # e.g. "instruction_like: ignore previous instructions"


class IngestWarning(Model):
    """A file that was skipped or partly read; the run continues."""

    file: str
    line: int | None = None
    message: str


# ---------------------------------------------------------------- brand


class Voice(Model):
    descriptors: list[str] = Field(default_factory=list)    # "warm", "plain-spoken", "evidence-led"
    do: list[str] = Field(default_factory=list)
    dont: list[str] = Field(default_factory=list)


EvidenceKind = Literal["pain", "desire", "objection", "proof", "fact", "offer", "voice", "persona"]


class Evidence(Model):
    """One item mined from the brand's own prose, with the span it came from (brand.extract)."""

    kind: EvidenceKind
    text: str                          # the short phrase or statement
    quote: str = ""                    # the source sentence, unchanged
    answer: str = ""                   # objections: the brand's own answer, in its words
    segment_id: str | None = None      # the mined segment it belongs to, if any
    source: Provenance
    span: tuple[int, int] | None = None   # character offsets in the source document's text


class Segment(Model):
    id: str                        # slug, used in ad names
    label: str
    description: str = ""
    pain_points: list[str] = Field(default_factory=list)        # short phrases: "waking up sore"
    desires: list[str] = Field(default_factory=list)
    objections: list[str] = Field(default_factory=list)
    language_patterns: list[str] = Field(default_factory=list)  # their own words, quoted
    age_min: int | None = None
    age_max: int | None = None
    sources: list[Provenance] = Field(default_factory=list)


class Claim(Model):
    """A factual statement copy may rely on. Only approved claims may appear as claims in copy."""

    id: str
    statement: str
    kind: ClaimKind = "general"
    evidence: str | None = None      # what substantiates it: study, data, document
    source: Provenance | None = None
    approved: bool = False
    approved_by: str | None = None
    approved_at: datetime | None = None


class Pillar(Model):
    name: str
    description: str = ""
    proof_points: list[str] = Field(default_factory=list)   # claim ids


class Product(Model):
    name: str
    description: str = ""
    price: str | None = None
    url: str | None = None
    benefits: list[str] = Field(default_factory=list)
    features: list[str] = Field(default_factory=list)


class Offer(Model):
    name: str
    terms: str = ""
    ends: str | None = None           # real deadline, if any: urgency copy may only use a true one


class BrandKit(Model):
    colors: dict[str, str] = Field(default_factory=lambda: {
        "primary": "#1F3A5F", "secondary": "#F2F4F7", "accent": "#FF7A45", "text": "#111827",
        "background": "#FFFFFF"})
    fonts: dict[str, str] = Field(default_factory=lambda: {"heading": "DejaVu Sans Bold", "body": "DejaVu Sans"})
    logo_path: str | None = None


class BrandObject(Model):
    """The single source of truth for a brand: YAML on disk, versioned by content hash."""

    schema_version: int = 1
    name: str
    slug: str
    website: str | None = None
    vertical: str = "general"            # e.g. "fitness_recovery", "weight_loss", "finance"
    positioning: str = ""
    tagline: str = ""
    voice: Voice = Field(default_factory=Voice)
    segments: list[Segment] = Field(default_factory=list)
    pillars: list[Pillar] = Field(default_factory=list)
    avoid: list[str] = Field(default_factory=list)           # words and phrases copy must never use
    competitors: list[str] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    products: list[Product] = Field(default_factory=list)
    offers: list[Offer] = Field(default_factory=list)
    cta_vocabulary: list[str] = Field(default_factory=list)  # "Start your free trial", ...
    key_phrases: list[str] = Field(default_factory=list)     # mined from the brand's own text
    brand_kit: BrandKit = Field(default_factory=BrandKit)
    required_disclosures: list[str] = Field(default_factory=list)
    sources_hash: str | None = None      # hash of the inputs it was extracted from
    fit_threshold: float = 0.75
    evidence: list[Evidence] = Field(default_factory=list)   # mined items with their source spans

    def version(self) -> str:
        """Content hash of the object; every concept names the version it came from."""
        return content_hash(self.model_dump(mode="json"))

    def approved_claims(self) -> list[Claim]:
        return [c for c in self.claims if c.approved]

    def segment(self, segment_id: str) -> Segment:
        for seg in self.segments:
            if seg.id == segment_id:
                return seg
        raise KeyError(segment_id)


# ---------------------------------------------------------------- creative intelligence


class Angle(Model):
    id: str                              # type slug: "pain-first", "social-proof", ...
    name: str
    description: str = ""
    emotional_triggers: list[str] = Field(default_factory=list)
    awareness_level: AwarenessLevel = "problem_aware"
    frameworks: list[str] = Field(default_factory=list)   # AIDA, PAS, BAB, FAB, 4U
    score: float = 0.0                   # ranking score for this brand, higher first
    rationale: str = ""                  # why it ranked where it did


class Pattern(Model):
    """One entry of the pattern library: what has worked, and how much we believe it."""

    id: str
    angle_type: str
    segment_id: str | None = None
    platform: Platform | None = None
    weight: float = 1.0                  # multiplier on the angle's score
    observations: int = 0                # ads behind the weight (0 for shipped priors)
    source: Literal["prior", "performance"] = "prior"
    note: str = ""
    # learned patterns (adloom.feedback.learn): the brand they came from (None: shipped or global), the
    # dimension decomposed (angle, segment, arm, hook_structure, trigger, format, length) and its value,
    # the Beta posterior of the ranking rate, its mean and 90% credible interval, the evidence behind it
    brand_slug: str | None = None
    dimension: str = "angle"
    key: str = ""
    alpha: float | None = None
    beta: float | None = None
    mean: float | None = None
    low: float | None = None
    high: float | None = None
    impressions: int = 0
    winners: int = 0                     # ads whose posterior clears the brand baseline


# ---------------------------------------------------------------- strategy


class Hook(Model):
    """A video hook: three parts that should not repeat each other, plus why it should work."""

    id: str                              # "h1".."h8", stable within a concept
    text: str                            # the spoken line, at most 8 words; also opens the copy
    first_visual: str
    on_screen_caption: str
    rationale: str
    template_id: str = ""


class Beat(Model):
    kind: BeatKind
    start: float
    end: float
    visual: str
    voiceover: str
    on_screen_text: str = ""


class Script(Model):
    duration: Literal[15, 30, 60]
    hook_id: str
    beats: list[Beat]


class MetaCopy(Model):
    platform: Literal["meta"] = "meta"
    hook_id: str
    primary_text: str
    headline: str
    description: str
    cta: str                             # one of platforms.META_CTAS


class GoogleRSACopy(Model):
    platform: Literal["google"] = "google"
    headlines: list[str]                 # 5..15, each <= 30 chars, distinct
    descriptions: list[str]              # 2..4, each <= 90 chars
    path1: str = ""
    path2: str = ""


class TikTokCopy(Model):
    platform: Literal["tiktok"] = "tiktok"
    hook_id: str
    ad_text: str                         # <= 100 chars, no emoji, '#', '{' or '}'
    cta: str


StaticCopy = Annotated[MetaCopy | GoogleRSACopy | TikTokCopy, Field(discriminator="platform")]


class Shot(Model):
    description: str
    seconds: float


class Deliverable(Model):
    ratio: str            # "9:16"
    seconds: int
    format: str = "mp4"


class UGCBrief(Model):
    persona: str                         # who to cast
    setting: str
    shot_list: list[Shot]
    talking_points: list[str]
    hook_options: list[str]
    do: list[str]
    dont: list[str]
    deliverables: list[Deliverable]
    usage_rights: str = "[Usage rights: term, channels and territories to be agreed in the creator contract]"


class ConceptDraft(Model):
    """What a writer returns for one angle x segment; the pipeline turns it into a Concept."""

    framework: str
    hooks: list[Hook]
    scripts: list[Script]
    copy_variants: list[StaticCopy] = Field(default_factory=list)
    brief: UGCBrief
    claims_used: list[str] = Field(default_factory=list)     # ids of approved claims the copy relies on


class Concept(Model):
    id: str                              # content-addressed: brand version + angle + segment + writer
    brand_slug: str
    brand_version: str
    angle: Angle
    segment_id: str
    writer_id: str
    attempt: int = 1
    status: ConceptStatus = "approved"
    draft: ConceptDraft | None = None     # None only when the writer failed outright
    error: str | None = None
    created_at: datetime | None = None

    def copy_for(self, platform: Platform) -> list[StaticCopy]:
        return [c for c in (self.draft.copy_variants if self.draft else []) if c.platform == platform]


# ---------------------------------------------------------------- governance


class Finding(Model):
    rule_id: str                         # "structure.script_missing_cta", "brand.avoid", ...
    pack: str = "core@1"                 # rule pack id@version that produced it
    severity: Severity
    message: str
    field: str = ""                      # where in the concept: "copy.meta[h2].headline"
    span: tuple[int, int] | None = None  # character offsets within that field's text
    excerpt: str = ""                    # the offending text
    fix_hint: str = ""


class Verdict(Model):
    concept_id: str
    attempt: int
    route: Route
    findings: list[Finding] = Field(default_factory=list)
    scores: dict[str, float] = Field(default_factory=dict)
    checks: dict[str, str] = Field(default_factory=dict)     # check name -> version used
    created_at: datetime | None = None


class Constraints(Model):
    """Everything a writer is told before it writes (prevention before correction)."""

    forbidden_terms: list[str] = Field(default_factory=list)
    approved_claims: list[Claim] = Field(default_factory=list)
    required_disclosures: list[str] = Field(default_factory=list)
    max_hook_words: int = 8
    hooks_per_concept: int = 5
    platforms: list[Platform] = Field(default_factory=lambda: list(ALL_PLATFORMS))
    previous_findings: list[Finding] = Field(default_factory=list)   # reasons from the last attempt
    avoid_hooks: list[str] = Field(default_factory=list)     # hooks earlier concepts of the run already use
    preferred_hook_templates: list[str] = Field(default_factory=list)   # winning hook structures, best first


class Campaign(Model):
    """Where the ads will run; governance context and export defaults."""

    name: str = ""
    objective: str = "OUTCOME_SALES"
    platforms: list[Platform] = Field(default_factory=lambda: list(ALL_PLATFORMS))
    countries: list[str] = Field(default_factory=lambda: ["US"])
    age_min: int = 18
    age_max: int = 65
    vertical: str | None = None
    link: str | None = None
    daily_budget: float = 50.0
    permissions: list[str] = Field(default_factory=list)
    # deployment (`adloom deploy`), all optional: the Facebook Page Meta ads run as, the pixel a sales campaign
    # optimises for, and Meta special ad categories (unset: derived from the vertical, deploy/plan.py)
    meta_page_id: str | None = None
    meta_pixel_id: str | None = None
    special_ad_categories: list[str] | None = None


# ---------------------------------------------------------------- later layers


class Review(Model):
    concept_id: str
    reviewer: str
    decision: Literal["approve", "reject", "edit"]
    rationale: str = ""
    edits: dict[str, str] = Field(default_factory=dict)
    decided_at: datetime | None = None


class Asset(Model):
    id: str
    concept_id: str
    kind: Literal["image", "video", "brief"]
    placement: str | None = None
    hook_id: str | None = None           # the hook whose words (or opening) the file carries
    path: str
    media_type: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    sha256: str
    generator: str


class PerformanceRecord(Model):
    ad_name: str
    platform: Platform
    impressions: int = 0
    spend: float = 0.0
    clicks: int = 0
    purchases: int = 0
    revenue: float = 0.0
    video_3s: int = 0
    thruplays: int = 0


class RunSummary(Model):
    run_id: str
    brand_slug: str
    brand_version: str
    writer_id: str
    started_at: datetime
    finished_at: datetime | None = None
    documents: int = 0
    warnings: list[IngestWarning] = Field(default_factory=list)
    flagged_inputs: list[str] = Field(default_factory=list)   # instruction-like text found in inputs
    angles: list[str] = Field(default_factory=list)
    concepts: int = 0
    hooks: int = 0
    by_status: dict[str, int] = Field(default_factory=dict)
    first_draft_failures: int = 0
    regenerations: int = 0
    reused: int = 0
    suppressed_duplicates: int = 0       # hooks dropped as near-duplicates of an earlier concept's
    writer_calls: int = 0
    stage_seconds: dict[str, float] = Field(default_factory=dict)
    outputs: dict[str, str] = Field(default_factory=dict)
    campaign: Campaign | None = None
    fingerprint: str | None = None       # hash of everything the run's outputs depend on
    reused_run: str | None = None        # set when nothing changed and an earlier run's outputs stand
    output_hashes: dict[str, str] = Field(default_factory=dict)
    writer_usage: dict[str, dict[str, Any]] = Field(default_factory=dict)   # per stage: calls, tokens, cost
    governance: dict[str, float] = Field(default_factory=dict)  # pre-filter, regenerate, review, reject rates
    assets: list[Asset] = Field(default_factory=list)
    render_errors: list[str] = Field(default_factory=list)
    allocation: dict[str, Any] = Field(default_factory=dict)   # feedback: each angle x segment's share and why
    brand_dir: str | None = None         # the brand folder read (logo, fonts, photos): a re-export renders from it
    executor: str = "inprocess"          # where the units ran: inprocess | celery
    tasks: dict[str, dict[str, int]] = Field(default_factory=dict)   # celery: per unit kind, task events counted


SCHEMA_MODELS: dict[str, Any] = {
    "Document": Document, "BrandObject": BrandObject, "Segment": Segment, "Claim": Claim,
    "Angle": Angle, "Pattern": Pattern, "Hook": Hook, "Script": Script,
    "StaticCopy": TypeAdapter(StaticCopy), "UGCBrief": UGCBrief, "Concept": Concept,
    "Finding": Finding, "Verdict": Verdict, "Campaign": Campaign, "Review": Review, "Asset": Asset,
    "PerformanceRecord": PerformanceRecord, "RunSummary": RunSummary,
}


def json_schema(name: str) -> dict[str, Any]:
    target = SCHEMA_MODELS[name]
    if isinstance(target, TypeAdapter):
        return target.json_schema()
    schema: dict[str, Any] = target.model_json_schema()
    return schema
