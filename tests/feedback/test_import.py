"""Importing exports: joins, re-imports, overlaps, every platform, and bad input refused whole."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from adloom.audit import kinds
from adloom.cli.feedback import app
from adloom.errors import InputError
from adloom.feedback.imports import import_file
from adloom.feedback.synthetic import Delivery, write_meta_csv, write_tiktok_csv
from adloom.store.tables import PatternRow, PerformanceImportRow, PerformanceLabelRow, PerformanceRecordRow
from tests.feedback.factories import daily, seed_concepts


def _count(store: sessionmaker[Session], table: type) -> int:
    with store() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def _totals(store: sessionmaker[Session]) -> tuple[int, float]:
    with store() as session:
        row = session.execute(select(func.sum(PerformanceRecordRow.impressions),
                                     func.sum(PerformanceRecordRow.clicks))).one()
    return int(row[0] or 0), float(row[1] or 0)


def test_meta_csv_joins_and_a_reimport_is_a_no_op(store: sessionmaker[Session], tmp_path: Path) -> None:
    names = seed_concepts(store)
    rows = daily(names, {"contrarian": 0.03}, days=3)
    path = write_meta_csv(tmp_path / "meta.csv", rows, currency="EUR")
    text_ = path.read_text()
    assert '"2,000"' in text_ and text_.rstrip().splitlines()[-1].startswith(",,,,Total")
    result = import_file(store, path)
    assert (result.platform, result.brand, result.currency) == ("meta", "acme", "EUR")
    assert result.records == len(rows) == 18 * 3 and not [s for s in result.skipped if s.listed]
    assert _totals(store) == (sum(r.impressions for r in rows), sum(r.clicks for r in rows))
    again = import_file(store, path)
    assert again.already and _count(store, PerformanceRecordRow) == len(rows)
    assert _count(store, PerformanceImportRow) == 1
    with store() as session:
        events = session.execute(text("SELECT kind, subject FROM audit_events ORDER BY seq")).all()
    assert [e[0] for e in events] == [kinds.PERFORMANCE_IMPORTED, kinds.PATTERNS_UPDATED]
    assert events[0][1] == result.import_id


def test_unknown_ads_are_listed_with_their_line_not_guessed(store: sessionmaker[Session], tmp_path: Path) -> None:
    names = seed_concepts(store)
    rows = daily(names[:2], {"*": 0.01}, days=1)
    rows.append(Delivery("Summer sale video 3", date(2026, 11, 1), date(2026, 11, 1), 500, 5, 4.0))
    rows.append(Delivery("adl_acme_pain-first_runners_h1_deadbeef_meta", date(2026, 11, 1), date(2026, 11, 1),
                         500, 5, 4.0))
    result = import_file(store, write_meta_csv(tmp_path / "m.csv", rows))
    listed = [s for s in result.skipped if s.listed]
    assert [(s.line, s.ad_name) for s in listed] == [(4, "Summer sale video 3"),
                                                     (5, "adl_acme_pain-first_runners_h1_deadbeef_meta")]
    assert "naming convention" in listed[0].reason and "no stored concept" in listed[1].reason
    assert result.records == 2


def test_overlapping_ranges_are_not_counted_twice(store: sessionmaker[Session], tmp_path: Path) -> None:
    from adloom.feedback.evidence import analyse
    from adloom.feedback.options import FeedbackOptions
    from adloom.store.performance import load_records

    name = seed_concepts(store)[0]
    days = [Delivery(name, date(2026, 11, d), date(2026, 11, d), 1000, 10, 8.0) for d in range(1, 11)]
    week = [Delivery(name, date(2026, 11, 1), date(2026, 11, 7), 7000, 70, 56.0)]
    import_file(store, write_meta_csv(tmp_path / "days.csv", days))
    import_file(store, write_meta_csv(tmp_path / "week.csv", week))
    # the same week again in a later file with restated figures replaces, never adds
    import_file(store, write_meta_csv(tmp_path / "week2.csv", [Delivery(name, date(2026, 11, 1), date(2026, 11, 7),
                                                                       7100, 71, 57.0)]))
    with store() as session:
        evidence = analyse(load_records(session), "acme", {}, FeedbackOptions(min_impressions=0, min_spend=0))
    (ad,) = [a for a in evidence.ads if a.name == name]
    assert ad.totals.impressions == 7100 + 3 * 1000     # the restated week, then days 8-10
    assert ad.totals.clicks == 71 + 3 * 10


def test_xlsx_tiktok_and_google_exports(store: sessionmaker[Session], tmp_path: Path) -> None:
    names = seed_concepts(store)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Reporting starts", "Reporting ends", "Ad name", "Amount spent (USD)", "Impressions", "Link clicks"])
    sheet.append([date(2026, 11, 1), date(2026, 11, 7), names[0], 12.5, 3000, 33])
    book.save(tmp_path / "meta.xlsx")
    assert import_file(store, tmp_path / "meta.xlsx").records == 1

    tiktok = [n.replace("_meta", "_tiktok") for n in names[:3]]
    result = import_file(store, write_tiktok_csv(tmp_path / "tt.csv", daily(tiktok, {"*": 0.02}, days=2),
                                                 currency="USD"), platform="tiktok")
    assert (result.platform, result.records, result.currency) == ("tiktok", 6, "USD")

    rsa = names[0].rsplit("_", 3)[0] + "_rsa_" + names[0].rsplit("_", 2)[1] + "_google"
    google = tmp_path / "google.csv"
    google.write_text("Ad report\nNovember 1, 2026 - November 30, 2026\n"
                      "Campaign,Ad group,Labels,Impr.,Clicks,Cost,Conversions,Conv. value,Currency code\n"
                      f'acme,g1,"paused; {rsa}","12,000",240,"1,100.00",4,320.00,USD\n'
                      "Total: Account,,,\"12,000\",240,\"1,100.00\",4,320.00,\n", encoding="utf-8")
    result = import_file(store, google)
    assert (result.platform, result.records, result.first_day, result.last_day) == (
        "google", 1, "2026-11-01", "2026-11-30")
    assets = tmp_path / "assets.csv"
    assets.write_text("Asset report\nNovember 1, 2026 - November 30, 2026\n"
                      "Asset,Asset type,Performance label,Labels,Impr.\n"
                      f"Sore legs? Watch this,Headline,Best,{rsa},900\n"
                      f"Made for runners,Headline,LOW,{rsa},300\n", encoding="utf-8")
    assert import_file(store, assets, platform="google").labels == 2
    with store() as session:
        labels = {r.asset: r.label for r in session.scalars(select(PerformanceLabelRow))}
    assert labels == {"Sore legs? Watch this": "BEST", "Made for runners": "LOW"}


def test_day_or_range_rows_read_alike_on_meta_and_tiktok(store: sessionmaker[Session], tmp_path: Path) -> None:
    """Meta and TikTok share one dated-rows reader: a filled day wins over the range, a row without one
    keeps its range, and a TikTok export with only Start/End dates is a range export."""
    names = seed_concepts(store)
    meta = tmp_path / "meta_mixed.csv"
    meta.write_text("Reporting starts,Reporting ends,Day,Ad name,Amount spent (EUR),Impressions,Link clicks\n"
                    f"2026-11-01,2026-11-07,2026-11-03,{names[0]},5.00,1000,10\n"
                    f"2026-11-01,2026-11-07,,{names[1]},35.00,7000,70\n", encoding="utf-8")
    result = import_file(store, meta)
    with store() as session:
        spans = {r.ad_name: (r.date_start, r.date_end) for r in session.scalars(select(PerformanceRecordRow))}
    assert result.records == 2 and spans == {names[0]: ("2026-11-03", "2026-11-03"),
                                             names[1]: ("2026-11-01", "2026-11-07")}
    tiktok = tmp_path / "tt_range.csv"
    name = names[2].replace("_meta", "_tiktok")
    tiktok.write_text("Ad name,Ad group name,Start date,End date,Cost,Impressions,Clicks (destination)\n"
                      f"{name},g1,2026-11-01,2026-11-14,20.00,4000,40\n", encoding="utf-8")
    result = import_file(store, tiktok)
    assert (result.platform, result.records, result.first_day, result.last_day) == (
        "tiktok", 1, "2026-11-01", "2026-11-14")
    no_dates = tmp_path / "tt_no_dates.csv"
    no_dates.write_text(f"Ad name,Ad group name,Cost,Impressions\n{name},g1,1.00,10\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column\\(s\\) 'Start date' and 'End date' \\(or a 'Date'"):
        import_file(store, no_dates, platform="tiktok")


def _bad_files(tmp_path: Path, names: list[str]) -> dict[str, tuple[Path, str]]:
    ok = daily(names[:2], {"*": 0.01}, days=1)
    files: dict[str, tuple[Path, str]] = {}
    tt = write_tiktok_csv(tmp_path / "tiktok.csv", ok)
    files["other platform"] = (tt, "looks like a tiktok export")
    missing = tmp_path / "missing.csv"
    missing.write_text("Reporting starts,Reporting ends,Ad name,Impressions\n2026-11-01,2026-11-01,x,1\n")
    files["missing column"] = (missing, "missing column(s) 'amount spent'")

    def currency(row: list[str]) -> list[str]:
        if row[4] == names[1]:
            row[5] = "$" + row[5]
        else:
            row[5] = "€" + row[5]
        return row
    files["currency change"] = (write_meta_csv(tmp_path / "cur.csv", ok, transform=currency), "currency changes")

    def negative(row: list[str]) -> list[str]:
        if row[4] == names[1]:
            row[5] = "-4.00"
        return row
    files["negative spend"] = (write_meta_csv(tmp_path / "neg.csv", ok, transform=negative), "negative spend")
    other = [Delivery(names[0], date(2026, 11, 1), date(2026, 11, 1), 100, 1, 1.0),
             Delivery(names[1].replace("adl_acme_", "adl_globex_"), date(2026, 11, 1), date(2026, 11, 1), 100, 1, 1.0)]
    files["other brand"] = (write_meta_csv(tmp_path / "brand.csv", other), "belongs to brand 'globex'")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Ad name", "Amount spent (EUR)", None, "Impressions"])
    sheet.merge_cells("B1:C1")
    sheet.append([names[0], 1, 2, 3])
    book.save(tmp_path / "merged.xlsx")
    files["merged header"] = (tmp_path / "merged.xlsx", "merged header cells")
    return files


@pytest.mark.parametrize("case", ["other platform", "missing column", "currency change", "negative spend",
                                  "other brand", "merged header"])
def test_bad_input_is_one_line_exit_2_and_nothing_stored(store: sessionmaker[Session], db_url: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    names = seed_concepts(store)
    path, expected = _bad_files(tmp_path, names)[case]
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    platform = ["--platform", "meta"] if case == "other platform" else []
    result = CliRunner().invoke(app, ["import", str(path), *platform, "--project", str(tmp_path)])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and str(path) in lines[0], result.stderr
    assert expected in lines[0]
    if case in ("currency change", "negative spend", "other brand"):
        assert f"{path}:3" in lines[0]       # the row: line 3 of the file (line 1 is the header)
    for table in (PerformanceRecordRow, PerformanceImportRow, PatternRow):
        assert _count(store, table) == 0
    with store() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_events")) == 0


def test_a_second_currency_for_the_brand_is_refused(store: sessionmaker[Session], tmp_path: Path) -> None:
    names = seed_concepts(store)
    import_file(store, write_meta_csv(tmp_path / "eur.csv", daily(names[:1], {"*": 0.01}, days=1), currency="EUR"))
    with pytest.raises(InputError, match="stored performance is in EUR"):
        import_file(store, write_meta_csv(tmp_path / "usd.csv", daily(names[1:2], {"*": 0.01}, days=1),
                                          currency="USD"))
    assert _count(store, PerformanceImportRow) == 1


def test_the_cli_prints_what_it_imported(store: sessionmaker[Session], db_url: str, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    names = seed_concepts(store)
    path = write_meta_csv(tmp_path / "m.csv", daily(names, {"*": 0.01}, days=1))
    with path.open(encoding="utf-8") as fh:
        assert len(list(csv.reader(fh))) == len(names) + 2
    monkeypatch.setenv("ADLOOM_DATABASE_URL", db_url)
    first = CliRunner().invoke(app, ["import", str(path), "--project", str(tmp_path)])
    assert first.exit_code == 0 and "18 records" in first.output and "patterns updated" in first.output
    again = CliRunner().invoke(app, ["import", str(path), "--project", str(tmp_path)])
    assert again.exit_code == 0 and "imported before" in again.output
