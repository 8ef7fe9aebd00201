from __future__ import annotations

from adloom.ingest.pdf import read_pdf
from tests.ingest.factories import encrypted_pdf, pdf_bytes


def test_one_document_per_page_with_text() -> None:
    raw = pdf_bytes([["Restwave Pulse (model 2)", "Six hours of battery"], ["Quiet motor"], []])
    result = read_pdf(raw, "docs/spec.pdf")
    assert [d.provenance.section for d in result.documents] == ["page 1", "page 2"]
    assert result.documents[0].text == "Restwave Pulse (model 2)\nSix hours of battery"
    assert result.documents[0].kind == "product_doc"
    assert result.documents[1].title == "spec, page 2"
    assert result.warnings == []


def test_encrypted_pdf_needs_password() -> None:
    result = read_pdf(encrypted_pdf([["secret plans"]], user_password="hunter2"), "docs/locked.pdf")
    assert result.documents == []
    assert [(w.file, w.message) for w in result.warnings] == [
        ("docs/locked.pdf", "encrypted PDF, password required; skipped")]


def test_pdf_encrypted_only_against_editing_still_reads() -> None:
    result = read_pdf(encrypted_pdf([["open to read"]], user_password=""), "docs/restricted.pdf")
    assert [d.text for d in result.documents] == ["open to read"]


def test_truncated_pdf_is_a_warning() -> None:
    raw = pdf_bytes([["cut short"]])
    result = read_pdf(raw[: len(raw) // 2], "docs/cut.pdf")
    assert result.documents == []
    assert "truncated PDF" in result.warnings[0].message


def test_corrupt_pdf_is_a_warning() -> None:
    result = read_pdf(b"%PDF-1.4\nthis is not a pdf body\n%%EOF\n", "docs/bad.pdf")
    assert result.documents == []
    assert result.warnings[0].message.startswith("unreadable PDF")


def test_not_a_pdf() -> None:
    result = read_pdf(b"hello, I am text", "docs/fake.pdf")
    assert "not a PDF" in result.warnings[0].message


def test_pdf_without_text_warns() -> None:
    result = read_pdf(pdf_bytes([[]]), "docs/scan.pdf")
    assert result.documents == []
    assert "no extractable text" in result.warnings[0].message
