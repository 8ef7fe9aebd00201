"""report.html: complete, escaped, self-contained."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from adloom.exports.report_model import media_src, safe_colors
from adloom.pipeline.export import exports
from adloom.types import BrandKit, BrandObject, Campaign, Concept, RunSummary, Verdict

INJECTION = "<script>alert('pwned')</script>"


class _Attrs(HTMLParser):
    """Collects src/href attribute values and checks tags balance enough to parse."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "poster", "srcset")]


def render(tmp_path: Path, concepts: list[Concept], verdicts: dict[str, list[Verdict]], brand: BrandObject,
           campaign: Campaign, summary: RunSummary, **kw: Any) -> str:
    return exports(concepts, verdicts, brand, campaign, summary, tmp_path, **kw)["report"].read_text("utf-8")


def test_report_contains_every_concept(tmp_path: Path, concepts: list[Concept],
                                       verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                       campaign: Campaign, summary: RunSummary) -> None:
    html = render(tmp_path, concepts, verdicts, brand, campaign, summary)
    for concept in concepts:
        assert f'id="concept-{concept.id}"' in html
    assert 'data-status="rejected"' in html
    assert "claims.unsubstantiated" in html and "cite claim c1" in html   # rejection reasons shown
    assert "run-20261101-1" in html and "v1abc" in html
    assert "ignore previous instructions" in html                         # flagged input with provenance
    assert "transcripts/call1.txt:12" in html


def test_brand_text_is_escaped(make: Any, tmp_path: Path, concepts: list[Concept],
                               verdicts: dict[str, list[Verdict]], campaign: Campaign,
                               summary: RunSummary) -> None:
    brand = make.brand(name=f"Rest{INJECTION}wave", tagline=INJECTION)
    evil = make.concept(n=9, headline=f"Sleep {INJECTION}", meta_body=INJECTION)
    html = render(tmp_path, [*concepts, evil], verdicts, brand, campaign,
                  summary.model_copy(update={"flagged_inputs": [INJECTION]}))
    assert INJECTION not in html
    assert "&lt;script&gt;alert(" in html
    parser = _Attrs()
    parser.feed(html)
    assert parser.scripts == 1          # only the report's own filter script


def test_colours_cannot_break_out_of_the_style_block(make: Any, tmp_path: Path, concepts: list[Concept],
                                                     verdicts: dict[str, list[Verdict]], campaign: Campaign,
                                                     summary: RunSummary) -> None:
    kit = BrandKit(colors={"primary": "red;}</style><script>alert(1)</script>", "accent": "#00AA88"})
    html = render(tmp_path, concepts, verdicts, make.brand(brand_kit=kit), campaign, summary)
    assert "alert(1)" not in html
    assert "--accent:#00AA88" in html and "--primary:#1F3A5F" in html
    assert safe_colors({"primary": "#abc"})["primary"] == "#abc"


def test_report_has_no_external_resources(make: Any, tmp_path: Path, concepts: list[Concept],
                                          verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                          campaign: Campaign, summary: RunSummary) -> None:
    first = concepts[0]
    assets = {first.id: [make.asset(first, "image", "meta_feed_square", "assets/sq.png"),
                         make.asset(first, "video", "tiktok_infeed", "https://cdn.example/v.mp4"),
                         make.asset(first, "video", "meta_stories_reels", "javascript:alert(1)")]}
    html = render(tmp_path, concepts, verdicts, brand, campaign, summary, assets=assets)
    parser = _Attrs()
    parser.feed(html)
    assert parser.urls, "expected at least the local asset"
    for url in parser.urls:
        assert not re.match(r"^\s*(https?:)?//", url, re.I), url
        assert not url.lower().startswith(("javascript:", "data:")), url
    assert not re.search(r"url\(\s*['\"]?https?:", html)       # no fonts or images pulled in by CSS
    assert "@import" not in html


def test_assets_render_as_relative_media(make: Any, tmp_path: Path, concepts: list[Concept],
                                         verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                         campaign: Campaign, summary: RunSummary) -> None:
    first = concepts[0]
    assets = {first.id: [make.asset(first, "image", "meta_feed_square", "assets/my ad.png"),
                         make.asset(first, "video", "tiktok_infeed", str(tmp_path / "assets" / "a.mp4"))]}
    html = render(tmp_path, concepts, verdicts, brand, campaign, summary, assets=assets)
    assert '<img src="assets/my%20ad.png"' in html
    assert '<video src="assets/a.mp4" controls' in html


@pytest.mark.parametrize(("path", "expected"), [
    ("assets/a.png", "assets/a.png"),
    ("https://x.example/a.png", None),
    ("//x.example/a.png", None),
    ("javascript:alert(1)", None),
    ("data:image/png;base64,AAAA", None),
])
def test_media_src(tmp_path: Path, path: str, expected: str | None) -> None:
    assert media_src(path, tmp_path) == expected


def test_character_counts_flag_over_recommended(make: Any, tmp_path: Path, brand: BrandObject,
                                                campaign: Campaign, summary: RunSummary) -> None:
    concept = make.concept(headline="A" * 41)   # over Meta's 40 recommended, under the 255 hard limit
    html = render(tmp_path, [concept], {}, brand, campaign, summary)
    assert '<span class="count long"' in html and ">41/255<" in html


def test_an_all_zero_cost_table_is_left_out(tmp_path: Path, concepts: list[Concept],
                                            verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                            campaign: Campaign, summary: RunSummary) -> None:
    free = {"concepts": {"calls": 15, "cache_hits": 0, "errors": 0, "input_tokens": 0, "output_tokens": 0,
                         "cost": 0.0}, "total": {"calls": 15, "input_tokens": 0, "output_tokens": 0, "cost": 0.0}}
    html = render(tmp_path / "free", concepts, verdicts, brand, campaign, summary.model_copy(
        update={"writer_usage": free}))
    assert "<th>input tokens</th>" not in html and "Writer calls: 15, no tokens, no cost" in html
    paid = {k: {**v, "input_tokens": 1200, "cost": 0.0042} for k, v in free.items()}
    html = render(tmp_path / "paid", concepts, verdicts, brand, campaign, summary.model_copy(
        update={"writer_usage": paid}))
    assert "<th>input tokens</th>" in html and "0.0042" in html


def test_the_creatives_come_before_the_audit_panel(tmp_path: Path, concepts: list[Concept],
                                                   verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                                   campaign: Campaign, summary: RunSummary) -> None:
    html = render(tmp_path, concepts, verdicts, brand, campaign, summary)
    sheet, audit = html.index('class="sheet"'), html.index('<details class="block" id="audit">')
    assert sheet < audit
    assert html.index("Angles chosen, and why") > audit and html.index("Stage timings") > audit
    assert html.count('<a class="tile"') == len(concepts)
    for concept in concepts:      # each tile links to its concept's detail
        assert f'href="#concept-{concept.id}"' in html


def test_optional_sections_are_listed_escaped_and_placed(tmp_path: Path, concepts: list[Concept],
                                                        verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                                        campaign: Campaign, summary: RunSummary) -> None:
    from adloom.exports.report import write_report
    from adloom.exports.report_sections import ReportSection

    extra = ReportSection(id="review-desk", title="Review decisions", template="report_section_inputs.html.j2",
                          data={"flagged": [INJECTION], "warnings": [], "render_errors": []}, place="audit",
                          count=1)
    empty = ReportSection(id="insights", title="Feedback insights", template="report_section_inputs.html.j2",
                          count=0)
    path = write_report(tmp_path / "report.html", concepts, verdicts, brand, summary, sections=[extra, empty])
    html = path.read_text("utf-8")
    assert INJECTION not in html and 'id="review-desk"' in html and "Feedback insights" not in html
    assert html.index('id="audit"') < html.index('id="review-desk"')       # inside the audit panel
    assert '<a href="#attention">Needs attention' in html                  # built-in: the flagged input
    with pytest.raises(ValueError, match="report_section_"):
        ReportSection(id="x", title="X", template="../report.html.j2")
    with pytest.raises(ValueError, match="slug"):
        ReportSection(id='x" onclick="', title="X", template="report_section_inputs.html.j2")


def _video(path: Path, seconds: float = 2.0) -> Path:
    import subprocess

    import imageio_ffmpeg

    path.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i",
                    f"testsrc=size=720x1280:rate=12:duration={seconds}", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                    str(path)], check=True)
    return path


def test_videos_get_a_poster_frame_from_the_video(make: Any, tmp_path: Path, concepts: list[Concept],
                                                  verdicts: dict[str, list[Verdict]], brand: BrandObject,
                                                  campaign: Campaign, summary: RunSummary) -> None:
    from PIL import Image

    first = concepts[0]
    _video(tmp_path / "assets" / "v_h1_9x16.mp4")
    (tmp_path / "assets" / "broken.mp4").write_bytes(b"not a video")
    assets = {first.id: [make.asset(first, "video", "tiktok_infeed", "assets/v_h1_9x16.mp4"),
                         make.asset(first, "video", "meta_stories_reels", "assets/broken.mp4")]}
    html = render(tmp_path, concepts, verdicts, brand, campaign, summary, assets=assets)
    poster = tmp_path / "assets" / "v_h1_9x16.poster.png"
    assert '<video src="assets/v_h1_9x16.mp4" controls preload="none" poster="assets/v_h1_9x16.poster.png">' in html
    with Image.open(poster) as frame:
        assert (frame.format, frame.size) == ("PNG", (480, 854))      # scaled from 720x1280, even height
        assert len(frame.convert("RGB").getcolors(1 << 20) or []) > 8  # a real frame (testsrc), not a blank
    assert "broken.mp4: no poster frame" in html                      # said where the reader looks
    assert not list((tmp_path / "assets").glob("*.part.png"))         # nothing half-written left behind
    stamp = poster.stat().st_mtime_ns
    render(tmp_path, concepts, verdicts, brand, campaign, summary, assets=assets)
    assert poster.stat().st_mtime_ns == stamp                         # reused on a second export
