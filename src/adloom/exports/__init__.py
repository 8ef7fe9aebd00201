"""Export files: bulk-upload CSVs for Meta, Google Ads Editor and TikTok, concepts.jsonl, the HTML report.

The stage function that writes them all is ``adloom.pipeline.export.exports``.
"""

from adloom.exports.concepts_jsonl import write_concepts_jsonl
from adloom.exports.csv_file import CSV_ENCODING, write_csv
from adloom.exports.google import GOOGLE_COLUMNS, google_rows
from adloom.exports.meta import META_COLUMNS, meta_rows
from adloom.exports.report import render_report, report_context, write_report
from adloom.exports.tiktok import TIKTOK_COLUMNS, tiktok_rows

__all__ = [
    "CSV_ENCODING", "GOOGLE_COLUMNS", "META_COLUMNS", "TIKTOK_COLUMNS", "google_rows", "meta_rows",
    "render_report", "report_context", "tiktok_rows", "write_concepts_jsonl", "write_csv", "write_report",
]
