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


async def test_phone_brief_is_one_phone_page(make_request: Make) -> None:
    result = await BriefGenerator("phone").generate(make_request(kind="brief"))
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


@pytest.mark.parametrize(("fmt", "size_pt"), [("pdf", (595.3, 841.9)), ("a4", (595.3, 841.9)),
                                              ("letter", (612.0, 792.0))])
async def test_printed_briefs_are_standard_pages(make_request: Make, fmt: str, size_pt: tuple[float, float]) -> None:
    """A4 by default, US Letter on request; a long brief flows onto more pages, none cut, none orphaning a title."""
    request = make_request(kind="brief")
    brief = request.concept.draft.brief
    points = [f"Talking point {i}: say it in your own words, plainly, as you would to a friend." for i in range(60)]
    long_brief = brief.model_copy(update={"talking_points": points})
    request = request.model_copy(update={"concept": request.concept.model_copy(update={
        "draft": request.concept.draft.model_copy(update={"brief": long_brief})})})
    result = await BriefGenerator(fmt).generate(request)
    reader = PdfReader(str(result.path))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width), 1), round(float(page.mediabox.height), 1)) == size_pt
    text = "\n".join(p.extract_text() for p in reader.pages)
    for needle in (brief.persona.split(",")[0], "Shot list", "Talking point 0:", "Talking point 59:", "Usage rights"):
        assert needle in text
    for page in reader.pages:        # a section title is never the last line of a page
        last = page.extract_text().strip().splitlines()[-1]
        assert last not in ("Talking points", "Do", "Don't", "Deliverables", "Usage rights", "Shot list")
    assert result.parameters["size"] == ("a4" if fmt == "pdf" else fmt)


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
