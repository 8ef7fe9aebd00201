"""The tamper-evident audit trail: an append-only, hash-chained event log, its verification, export and
lineage. See ``chain`` for what is hashed, ``log`` for appending, ``verify`` for checking."""

from adloom.audit import kinds
from adloom.audit.chain import GENESIS, SYSTEM, Event, event_hash, payload_hash
from adloom.audit.export import ExportManifest, export, verify_export
from adloom.audit.lineage import Lineage, LineageEvent, lineage, lineages
from adloom.audit.log import AuditLog, Batch, NewEvent, prune_payloads
from adloom.audit.redact import DEFAULT_REDACTOR, Redactor, redactor
from adloom.audit.verify import Anchor, Break, VerifyReport, read_anchor, verify, write_anchor

__all__ = ["DEFAULT_REDACTOR", "GENESIS", "SYSTEM", "Anchor", "AuditLog", "Batch", "Break", "Event",
           "ExportManifest", "Lineage", "LineageEvent", "NewEvent", "Redactor", "VerifyReport", "event_hash",
           "export", "kinds", "lineage", "lineages", "payload_hash", "prune_payloads", "read_anchor",
           "redactor", "verify", "verify_export", "write_anchor"]
