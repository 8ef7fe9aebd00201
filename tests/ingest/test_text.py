from __future__ import annotations

from adloom.ingest.sections import split_sections
from adloom.ingest.text import read_text

GUIDE = """Intro line before any heading.

# Restwave Pulse

Percussive massage for weekend athletes.
Runs up to 6 hours.

## Pricing ##

$199 with a 30-night trial.

```
# not a heading inside code
```

## Empty section

### Safety
Not a medical device.
"""


def test_markdown_sections_keep_source_lines() -> None:
    result = read_text(GUIDE.encode(), "docs/guide.md")
    docs = result.documents
    assert [(d.provenance.section, d.provenance.line_start, d.provenance.line_end) for d in docs] == [
        (None, 1, 1), ("Restwave Pulse", 5, 6), ("Pricing", 10, 14), ("Safety", 19, 19)]
    assert docs[1].text == "Percussive massage for weekend athletes.\nRuns up to 6 hours."
    assert docs[0].title == "guide"
    assert docs[1].title == "Restwave Pulse"
    assert "# not a heading inside code" in docs[2].text
    source_lines = GUIDE.split("\n")
    for doc in docs:   # the text is a verbatim copy of the lines the provenance names
        assert doc.provenance.line_start is not None and doc.provenance.line_end is not None
        assert doc.text == "\n".join(source_lines[doc.provenance.line_start - 1:doc.provenance.line_end])


def test_plain_text_without_headings_is_one_document() -> None:
    result = read_text(b"\xef\xbb\xbfFirst line\r\nSecond line\r\n", "docs/notes.txt")
    assert [(d.text, d.provenance.line_start, d.provenance.line_end) for d in result.documents] == [
        ("First line\nSecond line", 1, 2)]


def test_ids_are_deterministic_and_depend_on_place() -> None:
    first = read_text(GUIDE.encode(), "docs/guide.md").documents
    again = read_text(GUIDE.encode(), "docs/guide.md").documents
    elsewhere = read_text(GUIDE.encode(), "docs/other.md").documents
    assert [d.id for d in first] == [d.id for d in again]
    assert {d.id for d in first}.isdisjoint({d.id for d in elsewhere})
    assert len({d.id for d in first}) == len(first)


def test_not_utf8_is_a_warning_with_byte_offset() -> None:
    result = read_text("Café crème".encode("latin-1"), "docs/legacy.txt")
    assert result.documents == []
    (warning,) = result.warnings
    assert warning.file == "docs/legacy.txt"
    assert "not UTF-8" in warning.message and "byte offset 3" in warning.message


def test_binary_and_empty_files_are_warnings() -> None:
    assert "binary" in read_text(b"\x89PNG\r\n\x1a\n\x00\x00", "docs/img.md").warnings[0].message
    assert "empty" in read_text(b"\n  \n", "docs/blank.md").warnings[0].message


def test_heading_without_body_is_dropped() -> None:
    assert split_sections("# Only a heading\n\n## Another\n") == []
