"""Event kinds the pipeline emits, and what their subject is.

Concept-scoped events use the concept id as subject, so lineage gathers them with one indexed lookup.
"""

from __future__ import annotations

RUN_STARTED = "run.started"                           # subject: run id
RUN_FINISHED = "run.finished"                         # subject: run id
RUN_REUSED = "run.reused"                             # subject: the earlier run whose outputs stand
RUN_INTERRUPTED = "run.interrupted"                   # subject: run id (Ctrl-C); a rerun resumes it
RUN_RESUMED = "run.resumed"                           # subject: the interrupted run being finished
BRAND_VERSION_CREATED = "brand.version_created"       # subject: brand version; payload documents[]
BRAND_CLAIM_APPROVED = "brand.claim_approved"         # subject: brand version; payload {claim, by}
CONCEPT_GENERATED = "concept.generated"               # subject: concept id; payload brand_version, writer...
VERDICT_RECORDED = "verdict.recorded"                 # subject: concept id
REGENERATION_REQUESTED = "concept.regeneration_requested"   # subject: concept id; payload reasons
REVIEW_DECIDED = "review.decided"                     # subject: concept id; actor: the reviewer
ASSET_RENDERED = "asset.rendered"                     # subject: concept id; payload asset_id, path, sha256
CONCEPT_SEALED = "concept.sealed"                     # subject: concept id; payload draft_sha256 (audit/seal.py)
EXPORT_WRITTEN = "export.written"                     # subject: run id; payload file, sha256, ads[]
PERFORMANCE_IMPORTED = "performance.imported"         # subject: import id or file sha256
PATTERNS_UPDATED = "patterns.updated"                 # subject: "patterns"
USER_ADDED = "user.added"                             # subject: user name; payload role
TOKEN_CREATED = "token.created"                       # subject: token name; payload role
TOKEN_REVOKED = "token.revoked"                       # subject: token name
RULE_PROPOSED = "rule.proposed"                       # subject: candidate id; payload phrase, rejections
RULE_ACCEPTED = "rule.accepted"                       # subject: candidate id; actor: the admin; payload pack
DEPLOY_STARTED = "deploy.started"                     # subject: run id; payload platform, account, campaign, ads[]
DEPLOY_OBJECT = "deploy.object"                       # subject: concept id (run id for a campaign); payload
#                                                       platform, account, level, name, platform_id, created
DEPLOY_REJECTED = "deploy.rejected"                   # subject: concept id; payload platform, ad_name, reason
DEPLOY_FINISHED = "deploy.finished"                   # subject: run id; payload counts, error

ALL = (RUN_STARTED, RUN_FINISHED, RUN_REUSED, RUN_INTERRUPTED, RUN_RESUMED,
       BRAND_VERSION_CREATED, BRAND_CLAIM_APPROVED, CONCEPT_GENERATED,
       VERDICT_RECORDED, REGENERATION_REQUESTED, REVIEW_DECIDED, ASSET_RENDERED, EXPORT_WRITTEN,
       PERFORMANCE_IMPORTED, PATTERNS_UPDATED, USER_ADDED, TOKEN_CREATED, TOKEN_REVOKED, RULE_PROPOSED,
       RULE_ACCEPTED, CONCEPT_SEALED, DEPLOY_STARTED, DEPLOY_OBJECT, DEPLOY_REJECTED, DEPLOY_FINISHED)
