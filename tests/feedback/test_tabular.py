from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from adloom.errors import InputError
from adloom.feedback.tabular import header_key, parse_date, parse_number, read_table


@pytest.mark.parametrize(("raw", "value", "currency"), [
    ("10,000", 10000.0, None), ("$50.00", 50.0, "USD"), ("€1.234,56", 1234.56, "EUR"), ("1,234.5", 1234.5, None),
    ("12,5", 12.5, None), ("", 0.0, None), ("--", 0.0, None), ("1.23%", 1.23, None), ("-3", -3.0, None),
    (7, 7.0, None), ("£ 2,000", 2000.0, "GBP"),
])
def test_parse_number(raw: object, value: float, currency: str | None) -> None:
    assert parse_number(raw) == (value, currency)


def test_parse_number_refuses_text() -> None:
    with pytest.raises(ValueError):
        parse_number("twelve")


def test_header_key_takes_the_currency_out_of_the_header() -> None:
    assert header_key("Amount spent (EUR)") == ("amount spent", "EUR")
    assert header_key("CPC (cost per link click) (USD)") == ("cpc (cost per link click)", "USD")
    assert header_key("CTR (link click-through rate)") == ("ctr (link click-through rate)", None)
    assert header_key("\ufeffReporting starts") == ("reporting starts", None)


def test_parse_date_formats() -> None:
    assert parse_date("2026-11-03") == parse_date("11/03/2026") == parse_date("Nov 3, 2026") == "2026-11-03"
    with pytest.raises(ValueError):
        parse_date("yesterday")


def test_header_is_found_below_a_preamble(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("Ad report\nNovember 1, 2026 - November 30, 2026\nLabels,Impr.,Cost\nadl_x,1,2\n",
                    encoding="utf-8")
    table = read_table(path, {"labels", "impr.", "cost"})
    assert table.header_line == 3 and table.names == ["labels", "impr.", "cost"]
    assert list(table.rows) == [(4, ["adl_x", "1", "2"])]
    assert len(table.preamble) == 2


def test_xlsx_rows_and_merged_header_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ad name", "Amount spent (EUR)", "Impressions"])
    sheet.append(["adl_x", 1.5, 100])
    good = tmp_path / "good.xlsx"
    book.save(good)
    table = read_table(good, {"ad name", "amount spent", "impressions"})
    assert table.currencies == [None, "EUR", None]
    assert list(table.rows) == [(2, ("adl_x", 1.5, 100))]
    sheet.merge_cells("B1:C1")
    bad = tmp_path / "merged.xlsx"
    book.save(bad)
    with pytest.raises(InputError, match=r"merged header cells B1:C1") as err:
        read_table(bad, {"ad name", "amount spent", "impressions"})
    assert err.value.line == 1 and err.value.file == str(bad)
