from __future__ import annotations

from collections.abc import Callable

import pytest
from pypdf import PdfReader

from adloom.errors import ConfigError, UnsupportedRequest
from adloom.render.base import RenderRequest
from adloom.render.brief_doc import BriefGenerator
from adloom.render.registry import available, get_generator
from adloom.render.static import StaticImageGenerator

Make = Callable[..., RenderRequest]


async def test_pdf_brief_is_one_phone_page(make_request: Make) -> None:
    result = await BriefGenerator("pdf").generate(make_request(kind="brief"))
    reader = PdfReader(str(result.path))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert width < 300 and height >= width * 16 / 9          # phone-width column (points)
    text = page.extract_text()
    brief = make_request().concept.draft.brief
    for needle in (brief.persona, "Shot list", "Don't", "Usage rights", brief.hook_options[0]):
        assert needle.split(",")[0] in text
    assert result.media_type == "application/pdf"


async def test_markdown_brief(make_request: Make) -> None:
    result = await BriefGenerator("md").generate(make_request(kind="brief"))
    md = result.path.read_text()
    assert md.startswith("# Creator brief: Restwave")
    assert "## Shot list" in md and "1. Lying awake" in md and "## Don't" in md
    assert result.media_type == "text/markdown" and result.generator == "brief:md"


def test_registry_selects_by_string() -> None:
    assert isinstance(get_generator("static"), StaticImageGenerator)
    assert get_generator("static:card").template == "card"   # type: ignore[attr-defined]
    assert get_generator("brief:md").format == "md"          # type: ignore[attr-defined]
    assert {"static", "animatic", "brief", "fake", "openai-images", "image-jobs"} <= set(available())
    with pytest.raises(ConfigError, match="did you mean 'static'"):
        get_generator("statik")
    with pytest.raises(UnsupportedRequest):
        get_generator("brief:docx")


def test_third_party_generators_register_through_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib.metadata import EntryPoint

    from adloom.render import registry

    plugin = EntryPoint(name="solid", value="adloom.render.fake:FakeImageGenerator", group=registry.GROUP)
    monkeypatch.setattr(registry, "entry_points", lambda group: [plugin] if group == registry.GROUP else [])
    assert get_generator("solid").id == "fake"
