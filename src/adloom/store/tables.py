"""SQLAlchemy 2 tables. JSON payloads hold pydantic models dumped with ``mode="json"``.

One Alembic history (``store/migrations``) creates these on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Float, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class DocumentRow(Base):
    """An ingested document (untrusted text) with provenance."""

    __tablename__ = "documents"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_slug: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]]


class BrandVersionRow(Base):
    __tablename__ = "brand_versions"
    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_slug: Mapped[str] = mapped_column(String(120), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    parent: Mapped[str | None] = mapped_column(String(64))
    document_ids: Mapped[list[Any]]
    payload: Mapped[dict[str, Any]]


class RunRow(Base):
    __tablename__ = "runs"
    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    brand_slug: Mapped[str] = mapped_column(String(120), index=True)
    brand_version: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))          # running | done | failed
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    out_dir: Mapped[str] = mapped_column(Text)
    summary: Mapped[dict[str, Any]]


class ConceptRow(Base):
    """A concept is content-addressed, so a rerun of an unchanged brand finds and reuses it."""

    __tablename__ = "concepts"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_slug: Mapped[str] = mapped_column(String(120), index=True)
    brand_version: Mapped[str] = mapped_column(String(64), index=True)
    angle_id: Mapped[str] = mapped_column(String(64))
    segment_id: Mapped[str] = mapped_column(String(64))
    writer_id: Mapped[str] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]]


class RunConceptRow(Base):
    """Which concepts a run produced or reused, in order."""

    __tablename__ = "run_concepts"
    run_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    concept_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    reused: Mapped[int] = mapped_column(Integer, default=0)


class VerdictRow(Base):
    __tablename__ = "verdicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    concept_id: Mapped[str] = mapped_column(String(64), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    route: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]]


class PatternRow(Base):
    """Pattern library: shipped priors, later reweighted by imported performance."""

    __tablename__ = "patterns"
    id: Mapped[str] = mapped_column(String(160), primary_key=True)
    angle_type: Mapped[str] = mapped_column(String(64), index=True)
    segment_id: Mapped[str | None] = mapped_column(String(64))
    platform: Mapped[str | None] = mapped_column(String(16))
    weight: Mapped[float] = mapped_column(Float)
    observations: Mapped[int] = mapped_column(Integer, default=0)
    source: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # learned from imported performance (migration 0005_feedback); NULL brand: shipped prior or global
    brand_slug: Mapped[str | None] = mapped_column(String(120), index=True)
    dimension: Mapped[str] = mapped_column(String(32), default="angle", server_default="angle")
    key: Mapped[str] = mapped_column(String(160), default="", server_default="")
    alpha: Mapped[float | None] = mapped_column(Float)
    beta: Mapped[float | None] = mapped_column(Float)
    mean: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    impressions: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    winners: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class PerformanceImportRow(Base):
    """One imported performance file; its SHA-256 is the id, so importing it again is a no-op."""

    __tablename__ = "performance_imports"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_slug: Mapped[str] = mapped_column(String(120), index=True)
    platform: Mapped[str] = mapped_column(String(16))
    file_name: Mapped[str] = mapped_column(Text)
    currency: Mapped[str | None] = mapped_column(String(8))
    rows: Mapped[int] = mapped_column(Integer)
    records: Mapped[int] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    skipped: Mapped[list[Any]]


class PerformanceRecordRow(Base):
    """An ad's figures for one reporting range (a day or start..end); the key replaces, never adds."""

    __tablename__ = "performance_records"
    __table_args__ = (UniqueConstraint("brand_slug", "platform", "ad_name", "date_start", "date_end",
                                       name="uq_performance_records_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    brand_slug: Mapped[str] = mapped_column(String(120))
    platform: Mapped[str] = mapped_column(String(16))
    ad_name: Mapped[str] = mapped_column(String(200))
    date_start: Mapped[str] = mapped_column(String(10))       # ISO dates: sortable on every database
    date_end: Mapped[str] = mapped_column(String(10))
    concept_id: Mapped[str] = mapped_column(String(64), index=True)
    angle: Mapped[str] = mapped_column(String(64))
    segment: Mapped[str] = mapped_column(String(64))
    hook: Mapped[str] = mapped_column(String(16))
    impressions: Mapped[int] = mapped_column(BigInteger)
    reach: Mapped[int | None] = mapped_column(BigInteger)
    frequency: Mapped[float | None] = mapped_column(Float)
    spend: Mapped[float] = mapped_column(Float)
    clicks: Mapped[int] = mapped_column(BigInteger)
    video_3s: Mapped[int] = mapped_column(BigInteger)
    thruplays: Mapped[int] = mapped_column(BigInteger)
    purchases: Mapped[float] = mapped_column(Float)
    revenue: Mapped[float] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(8))
    import_id: Mapped[str] = mapped_column(String(64))


class PerformanceLabelRow(Base):
    """Google's label for one asset of one ad (BEST, GOOD, LOW, LEARNING, PENDING); the latest import wins."""

    __tablename__ = "performance_labels"
    brand_slug: Mapped[str] = mapped_column(String(120), primary_key=True)
    ad_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    asset: Mapped[str] = mapped_column(String(300), primary_key=True)
    asset_type: Mapped[str] = mapped_column(String(40))
    concept_id: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(16))
    import_id: Mapped[str] = mapped_column(String(64))


class WriterCallRow(Base):
    """One row per writer call (model or formula), written by the library itself."""

    __tablename__ = "writer_calls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str | None] = mapped_column(String(80), index=True)
    cache_key: Mapped[str] = mapped_column(String(64), index=True)
    writer_id: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(120))
    cache_hit: Mapped[int] = mapped_column(Integer, default=0)
    input_tokens: Mapped[int] = mapped_column(Integer, default=0)
    output_tokens: Mapped[int] = mapped_column(Integer, default=0)
    cost: Mapped[float] = mapped_column(Float, default=0.0)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request: Mapped[dict[str, Any]]
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class WriterCacheRow(Base):
    """Content-addressed writer outputs: an unchanged brief finds every output here, no model call."""

    __tablename__ = "writer_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    writer_id: Mapped[str] = mapped_column(String(120))
    template: Mapped[str] = mapped_column(String(120))
    output_type: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[dict[str, Any]]


class StoreMetaRow(Base):
    """The store's identity (``store_id``, random, made by migration 0006) and audit-anchor bookkeeping."""

    __tablename__ = "store_meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEventRow(Base):
    """Append-only, hash-chained event log (see adloom.audit). Triggers forbid UPDATE and DELETE."""

    __tablename__ = "audit_events"
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                     autoincrement=False)
    ts: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(64), index=True)
    subject: Mapped[str] = mapped_column(String(200), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    payload_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


Index("ix_verdicts_concept_attempt", VerdictRow.concept_id, VerdictRow.attempt)
# a million concepts (migration 0008): newest first overall and per brand, id prefixes, a brand's index, and
# the review-routed ones the desk's queue sync looks for
Index("ix_concepts_created_at", ConceptRow.created_at)
Index("ix_concepts_brand_created_at", ConceptRow.brand_slug, ConceptRow.created_at)
Index("ix_concepts_brand_angle_segment", ConceptRow.brand_slug, ConceptRow.angle_id, ConceptRow.segment_id,
      ConceptRow.id)
Index("ix_concepts_id_prefix", ConceptRow.id, postgresql_ops={"id": "varchar_pattern_ops"})
Index("ix_concepts_review", ConceptRow.id, postgresql_where=text("status = 'review'"),
      sqlite_where=text("status = 'review'"))


# ---------------------------------------------------------------- review desk and API (migration 0004_review)


class UserRow(Base):
    """A person who signs in to the desk. ``password_hash`` is an argon2id encoded hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))             # reviewer | admin
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebSessionRow(Base):
    """A server-side session: the cookie carries a random token, the store only its SHA-256."""

    __tablename__ = "web_sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(Integer, index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ApiTokenRow(Base):
    """A bearer token for machines; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewItemRow(Base):
    """One concept the governor routed to review, as the desk's queue sees it (risk-ordered, filterable)."""

    __tablename__ = "review_items"
    concept_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    brand_slug: Mapped[str] = mapped_column(String(120), index=True)
    run_id: Mapped[str | None] = mapped_column(String(80), index=True)   # the latest run that produced it
    angle_id: Mapped[str] = mapped_column(String(64))
    segment_id: Mapped[str] = mapped_column(String(64))
    platforms: Mapped[str] = mapped_column(String(64))        # ",meta,google," : LIKE '%,meta,%' filters
    risk: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(16))            # pending | escalated | approved | rejected
    group_key: Mapped[str] = mapped_column(String(32), index=True)   # same flagged phrases, same angle
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)   # newest: totals stale
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))


class ReviewDecisionRow(Base):
    """Every human decision, with the text before and after and the seconds it took (also an audit event)."""

    __tablename__ = "review_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    concept_id: Mapped[str] = mapped_column(String(64), index=True)
    reviewer: Mapped[str] = mapped_column(String(80), index=True)
    decision: Mapped[str] = mapped_column(String(16))         # approve | reject | edit | escalate
    rationale: Mapped[str] = mapped_column(Text, default="")
    phrase: Mapped[str | None] = mapped_column(String(200), index=True)   # what a reject objects to
    seconds: Mapped[float | None] = mapped_column(Float)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RuleCandidateRow(Base):
    """A pack rule proposed from repeated rejections of one phrase; an admin accepts or dismisses it."""

    __tablename__ = "rule_candidates"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)     # hash of the normalised phrase
    phrase: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(16))            # proposed | accepted | dismissed
    rejections: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    decided_by: Mapped[str | None] = mapped_column(String(80))
    payload: Mapped[dict[str, Any]]                           # rule, cases, pack file written, recheck


class RunUnitRow(Base):
    """One unit of work of a run as the queue sees it (``adloom.scale``): a concept unit (angle x segment),
    a render unit (one concept's files) or the export. ``key`` is its content key, the Celery task id."""

    __tablename__ = "run_units"
    run_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)      # concept | render | export
    unit: Mapped[str] = mapped_column(String(200), primary_key=True)     # "angle/segment", a concept id, "export"
    key: Mapped[str] = mapped_column(String(64), index=True)
    status: Mapped[str] = mapped_column(String(16))       # waiting | queued | running | done | failed
    deliveries: Mapped[int] = mapped_column(Integer, default=0)   # times a worker started it
    sends: Mapped[int] = mapped_column(Integer, default=0)        # times the driver published it
    worker: Mapped[str | None] = mapped_column(String(200))
    error: Mapped[str | None] = mapped_column(Text)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)


Index("ix_review_items_state_risk", ReviewItemRow.state, ReviewItemRow.risk, ReviewItemRow.concept_id)
