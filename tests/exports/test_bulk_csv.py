"""The three bulk-upload CSVs: exact headers, approved rows only, joinable names, untouched copy."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from adloom.errors import PolicyViolation
from adloom.exports.google import GOOGLE_COLUMNS, google_rows
from adloom.exports.meta import META_COLUMNS, meta_rows
from adloom.exports.tiktok import TIKTOK_COLUMNS, tiktok_rows
from adloom.naming import parse_ad_name
from adloom.pipeline.export import exports
from adloom.types import BrandObject, Campaign, Concept, RunSummary, Verdict

EXPECTED_META = [
    "Campaign Name", "Campaign Status", "Campaign Objective", "Buying Type", "Ad Set Name",
    "Ad Set Daily Budget", "Countries", "Age Min", "Age Max", "Ad Name", "Title", "Body",
    "Link Description", "Display Link", "Link", "URL Tags", "Call to Action", "Image File Name",
    "Image Hash", "Video File Name", "Video ID", "Creative Type",
]
EXPECTED_GOOGLE = (["Campaign", "Ad group", "Ad type"] + [f"Headline {i}" for i in range(1, 16)]
                   + [f"Description {i}" for i in range(1, 5)] + ["Path 1", "Path 2", "Final URL", "Labels"])
EXPECTED_TIKTOK = ["Campaign name", "Ad group name", "Ad name", "Ad text", "Call to action",
                   "Landing page URL", "Display name", "Video file name"]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture
def written(tmp_path: Path, concepts: list[Concept], verdicts: dict[str, list[Verdict]], brand: BrandObject,
            campaign: Campaign, summary: RunSummary) -> dict[str, Path]:
    return exports(concepts, verdicts, brand, campaign, summary, tmp_path)


@pytest.mark.parametrize(("key", "expected"), [("meta", EXPECTED_META), ("google", EXPECTED_GOOGLE),
                                               ("tiktok", EXPECTED_TIKTOK)])
def test_headers_are_exactly_the_import_columns(written: dict[str, Path], key: str,
                                                expected: list[str]) -> None:
    header, _ = read_csv(written[key])
    assert header == expected


def test_column_constants_match_the_brief() -> None:
    assert list(META_COLUMNS) == EXPECTED_META
    assert list(GOOGLE_COLUMNS) == EXPECTED_GOOGLE
    assert list(TIKTOK_COLUMNS) == EXPECTED_TIKTOK


def test_rows_only_for_approved_concepts(written: dict[str, Path], concepts: list[Concept]) -> None:
    approved = {c.id[:8] for c in concepts if c.status == "approved"}
    rejected = {c.id[:8] for c in concepts if c.status != "approved"}
    _, meta = read_csv(written["meta"])
    _, google = read_csv(written["google"])
    _, tiktok = read_csv(written["tiktok"])
    assert len(meta) == 4 and len(tiktok) == 4 and len(google) == 2   # 2 approved x 2 hooks; 1 RSA each
    shipped = ({parse_ad_name(r["Ad Name"]).concept for r in meta}
               | {parse_ad_name(r["Labels"]).concept for r in google}
               | {parse_ad_name(r["Ad name"]).concept for r in tiktok})
    assert shipped == approved
    assert not shipped & rejected


def test_ad_names_parse_back_to_their_concept(written: dict[str, Path], concepts: list[Concept]) -> None:
    by_prefix = {c.id[:8]: c for c in concepts}
    _, meta = read_csv(written["meta"])
    _, google = read_csv(written["google"])
    _, tiktok = read_csv(written["tiktok"])
    names = ([(r["Ad Name"], "meta") for r in meta] + [(r["Labels"], "google") for r in google]
             + [(r["Ad name"], "tiktok") for r in tiktok])
    for name, platform in names:
        parsed = parse_ad_name(name)
        concept = by_prefix[parsed.concept]
        assert parsed.platform == platform
        assert parsed.brand == "restwave"
        assert parsed.angle == concept.angle.id
        assert parsed.segment == concept.segment_id
        hooks = {h.id for h in concept.draft.hooks} if concept.draft else set()
        assert (parsed.hook == "rsa") if platform == "google" else (parsed.hook in hooks)
    meta_hooks = sorted(parse_ad_name(r["Ad Name"]).hook for r in meta)
    assert meta_hooks == ["h1", "h1", "h2", "h2"]


def test_meta_row_values(written: dict[str, Path], concepts: list[Concept]) -> None:
    _, rows = read_csv(written["meta"])
    row = next(r for r in rows if r["Ad Name"].endswith(f"_h2_{concepts[0].id[:8]}_meta"))
    copy = next(c for c in concepts[0].copy_for("meta") if c.hook_id == "h2")
    assert row["Campaign Name"] == "Autumn Launch"
    assert row["Campaign Status"] == "PAUSED"
    assert row["Campaign Objective"] == "OUTCOME_SALES"
    assert row["Buying Type"] == "AUCTION"
    assert row["Ad Set Name"] == "Restwave – Pain First – Weekend warriors"
    assert row["Ad Set Daily Budget"] == "50.00"
    assert row["Countries"] == "US"
    assert (row["Age Min"], row["Age Max"]) == ("25", "54")    # narrowed to the segment
    assert row["Title"] == copy.headline                       # type: ignore[union-attr]
    assert row["Body"] == copy.primary_text                    # type: ignore[union-attr]
    assert row["Link Description"] == copy.description         # type: ignore[union-attr]
    assert row["Call to Action"] == "SHOP_NOW"
    assert row["Link"] == "https://restwave.example/autumn"
    assert row["Display Link"] == "restwave.example"
    assert row["URL Tags"] == ("utm_source=meta&utm_medium=paid&utm_campaign=autumn-launch"
                               f"&utm_content={row['Ad Name']}")
    assert row["Image File Name"] == row["Video File Name"] == ""
    assert row["Creative Type"] == "Link Page Post Ad"


def test_link_falls_back_to_brand_website(concepts: list[Concept], brand: BrandObject) -> None:
    rows = meta_rows(concepts, brand, Campaign())
    assert {r["Link"] for r in rows} == {"https://www.restwave.example/"}
    assert {r["Campaign Name"] for r in rows} == {"Restwave"}
    assert {r["Age Min"] for r in rows} >= {"18"}    # the new-parents segment has no range of its own


def test_values_at_the_limit_are_carried_unchanged(make: Any, brand: BrandObject, campaign: Campaign) -> None:
    headline_30 = "H" * 29 + "é"
    tiktok_100 = "T" * 97 + " h1"
    concept = make.concept(rsa_headlines=[headline_30, "B" * 30, "C", "D", "E"],
                           tiktok_text="T" * 97, hook_ids=("h1",), meta_body="M" * 2190)
    google = google_rows([concept], brand, campaign)[0]
    tiktok = tiktok_rows([concept], brand, campaign)[0]
    meta = meta_rows([concept], brand, campaign)[0]
    assert google["Headline 1"] == headline_30 and google["Headline 2"] == "B" * 30
    assert google["Headline 6"] == "" and google["Description 3"] == ""
    assert (google["Path 1"], google["Path 2"]) == ("pillows", "cooling")
    assert tiktok["Ad text"] == tiktok_100
    assert meta["Body"] == "M" * 2190 + " (h1)"


def test_over_limit_copy_is_refused_not_truncated(make: Any, brand: BrandObject, campaign: Campaign) -> None:
    concept = make.concept(rsa_headlines=["X" * 31, "B", "C", "D", "E"])
    with pytest.raises(PolicyViolation) as info:
        google_rows([concept], brand, campaign)
    assert info.value.field == f"{concept.id}.copy.google.headlines[0]"


def test_over_limit_copy_writes_no_bulk_files(make: Any, tmp_path: Path, brand: BrandObject,
                                               campaign: Campaign, summary: RunSummary) -> None:
    concept = make.concept(tiktok_text="T" * 120)
    with pytest.raises(PolicyViolation):
        exports([concept], {}, brand, campaign, summary, tmp_path)
    assert not (tmp_path / "exports").exists()


def test_tiktok_display_name_is_cut_to_40(make: Any, concepts: list[Concept], campaign: Campaign) -> None:
    long_brand = make.brand(name="The Extraordinarily Long Named Sleep Company Ltd")
    rows = tiktok_rows(concepts, long_brand, campaign)
    assert {r["Display name"] for r in rows} == {long_brand.name[:40]}
    assert rows[0]["Ad text"] == "Sleep deeper, wake lighter h1"
    assert rows[0]["Landing page URL"] == "https://restwave.example/autumn"


def test_csv_round_trips_commas_quotes_and_newlines(make: Any, tmp_path: Path, brand: BrandObject,
                                                    campaign: Campaign, summary: RunSummary) -> None:
    tricky = 'Sore, stiff, "done"?\nNot tonight; sleep — properly.'
    concept = make.concept(meta_body=tricky, headline='He said "wow", then slept')
    paths = exports([concept], {}, brand, campaign, summary, tmp_path)
    _, rows = read_csv(paths["meta"])
    assert [r["Body"] for r in rows] == [f"{tricky} (h1)", f"{tricky} (h2)"]
    assert rows[0]["Title"] == 'He said "wow", then slept'
    assert rows[0]["Ad Set Name"] == "Restwave – Pain First – Weekend warriors"


def test_csv_is_utf8_with_bom(written: dict[str, Path]) -> None:
    for key in ("meta", "google", "tiktok"):
        raw = written[key].read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        raw.decode("utf-8-sig")


def test_each_row_names_its_own_hooks_asset_and_one_creative(make: Any, tmp_path: Path, concepts: list[Concept],
                                                             verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                                             campaign: Campaign, summary: RunSummary) -> None:
    first, second = concepts[0], concepts[1]
    assert first.draft is not None and len(first.draft.hooks) >= 2
    h1, h2 = first.draft.hooks[0].id, first.draft.hooks[1].id
    assets = {
        first.id: [make.asset(first, "image", "meta_feed_square", "assets/a1_square.png", h1),
                   make.asset(first, "image", "meta_feed_portrait", "assets/a1_portrait.png", h1),
                   make.asset(first, "image", "meta_feed_portrait", "assets/a2_portrait.png", h2),
                   make.asset(first, "video", "meta_feed_square", "assets/a1_11.mp4", h1),
                   make.asset(first, "video", "tiktok_infeed", "assets/a1_916.mp4", h1),
                   make.asset(first, "video", "tiktok_infeed", "assets/a2_916.mp4", h2)],
        # only a TikTok-shaped video: never offered to Meta
        second.id: [make.asset(second, "image", "meta_feed_square", "assets/b1_square.png", "h1"),
                    make.asset(second, "video", "tiktok_infeed", "assets/b1_916.mp4", "h1")],
    }
    paths = exports(concepts, verdicts, brand, campaign, summary, tmp_path, assets=assets)
    _, meta = read_csv(paths["meta"])
    _, tiktok = read_csv(paths["tiktok"])
    meta_by = {(parse_ad_name(r["Ad Name"]).concept, parse_ad_name(r["Ad Name"]).hook): r for r in meta}
    named = {(first.id[:8], h1), (first.id[:8], h2), (second.id[:8], "h1")}
    assert {k: (r["Image File Name"], r["Video File Name"], r["Creative Type"])
            for k, r in meta_by.items() if k in named} == {
        (first.id[:8], h1): ("", "a1_11.mp4", "Video Page Post Ad"),        # the hook's video, no image
        (first.id[:8], h2): ("a2_portrait.png", "", "Link Page Post Ad"),   # h2's own image, not h1's
        (second.id[:8], "h1"): ("b1_square.png", "", "Link Page Post Ad"),
    }
    for row in meta:    # hooks with nothing rendered go out with no media rather than another hook's
        assert not (row["Image File Name"] and row["Video File Name"])
    tiktok_by = {(parse_ad_name(r["Ad name"]).concept, parse_ad_name(r["Ad name"]).hook): r["Video file name"]
                 for r in tiktok}
    assert tiktok_by[(first.id[:8], h1)] == "a1_916.mp4"
    assert tiktok_by[(first.id[:8], h2)] == "a2_916.mp4"
    assert tiktok_by[(second.id[:8], "h1")] == "b1_916.mp4"
    assert [v for k, v in tiktok_by.items() if k not in named] == [""] * (len(tiktok) - 3)


def test_only_campaign_platforms_are_exported(tmp_path: Path, concepts: list[Concept],
                                              verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                              summary: RunSummary) -> None:
    paths = exports(concepts, verdicts, brand, Campaign(platforms=["google"]), summary, tmp_path)
    assert set(paths) == {"concepts", "report", "google"}
    assert not (tmp_path / "exports" / "meta_bulk.csv").exists()
    assert not (tmp_path / "exports" / "tiktok_ads.csv").exists()
    assert all(p.exists() for p in paths.values())
