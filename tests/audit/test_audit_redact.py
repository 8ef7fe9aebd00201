from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from adloom.audit import AuditLog, redactor, verify
from adloom.audit.redact import DEFAULT_REDACTOR


@pytest.mark.parametrize(("raw", "clean"), [
    ("mail jane.doe+ads@example.co.uk now", "mail [email] now"),
    ("call +44 20 7946 0958 or +1-415-555-0100", "call [phone] or [phone]"),
    ("US (415) 555-0100 or 415.555.0100", "US [phone] or [phone]"),
    ("card 4111 1111 1111 1111 ok", "card [card] ok"),
    ("iban DE89 3704 0044 0532 0130 00", "iban [iban]"),
])
def test_identifiers_are_redacted(raw: str, clean: str) -> None:
    assert DEFAULT_REDACTOR.text(raw) == clean


@pytest.mark.parametrize("kept", [
    "1a2b3c4d5e6f7a8b", "a" * 64, "2026-01-05T10:00:00.000000Z", "Save 50% — $19.99, 10,000 customers",
    "1234 5678 9012 3456",            # 16 digits failing the Luhn check: not a card
    "adl_restwave_pain-first_weekend-warriors_h3_1a2b3c4d_meta", "concept@3", "v1.2.3",
])
def test_ids_dates_prices_and_names_are_left_alone(kept: str) -> None:
    assert DEFAULT_REDACTOR.text(kept) == kept


def test_payloads_are_redacted_before_hashing_and_storage(log: AuditLog, store: sessionmaker[Session]) -> None:
    event = log.append("review.decided", "c1", "reviewer:ana",
                       {"rationale": "ok, ping ana@restwave.com", "nested": [{"tel": "+1 415 555 0100"}]})
    assert event.payload == {"rationale": "ok, ping [email]", "nested": [{"tel": "[phone]"}]}
    with store() as session:
        stored = session.execute(text("SELECT payload FROM audit_events")).scalar_one()
    assert "restwave.com" not in str(stored) and "555" not in str(stored)
    assert verify(store).ok


def test_redaction_can_be_switched_off_or_extended(store: sessionmaker[Session]) -> None:
    raw = AuditLog(store, redact=None).append("k", "s", payload={"m": "ana@restwave.com"})
    assert raw.payload == {"m": "ana@restwave.com"}
    custom = AuditLog(store, redact=redactor([("[ssn]", r"\b\d{3}-\d{2}-\d{4}\b")]))
    assert custom.append("k", "s", payload={"m": "ssn 123-45-6789"}).payload == {"m": "ssn [ssn]"}
