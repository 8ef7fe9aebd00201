"""The generator interface: one async method from a typed request to a typed result.

A generator turns (concept, placement, brand kit) into one file. Capabilities are class attributes
(``kinds``, ``aspect_ratios``, ``max_duration``, ``draws_text``) so the stage can choose without calling.
Failures are ``RenderError`` subclasses (in ``adloom.errors``, re-exported here); the stage stores them
with the concept and the run goes on.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from adloom.platforms import Placement
from adloom.types import BrandKit, Concept, Finding, Script, Severity

AssetKind = Literal["image", "video", "brief"]
Box = tuple[int, int, int, int]           # x0, y0, x1, y1 in pixels, x1/y1 exclusive




class AdText(BaseModel):
    """The words laid over a creative. Our renderer draws them; a model never does."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    headline: str
    body: str = ""
    cta: str = "Learn more"


class RenderRequest(BaseModel):
    """Everything one generation needs. ``out_stem`` has no suffix: the generator adds its own."""

    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True)

    concept: Concept
    placement: Placement
    brand_kit: BrandKit
    brand_name: str
    out_stem: Path
    text: AdText
    kind: AssetKind = "image"
    script: Script | None = None
    template: str | None = None               # layout template id; None = the generator's default
    asset_dir: Path | None = None             # relative logo / font / image paths resolve here
    background_path: Path | None = None       # optional photo or product image under the text
    prompt: str = ""                          # for image models: a visual description, never ad text
    options: dict[str, Any] = Field(default_factory=dict)

    def resolve(self, path: str | Path | None) -> Path | None:
        """A path named in brand data, confined to the brand folder (ValueError when it leads outside)."""
        if path is None or str(path) == "":
            return None
        p = Path(path)
        return p if self.asset_dir is None else confined(self.asset_dir, p)


def confined(folder: Path, path: str | Path) -> Path:
    """``path`` (relative to ``folder``) with every symlink followed, if it stays inside ``folder``.

    Brand data is untrusted: an absolute path, ``..`` or a symlink must not make the renderer read a file the
    brand folder does not hold (and embed it in an ad anyone can see)."""
    target = (folder / path).resolve()
    if not target.is_relative_to(folder.resolve()):
        raise ValueError(f"'{path}' leads outside the brand folder {folder}")
    return target


class RenderResult(BaseModel):
    """One file on disk and how it was made."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    media_type: str
    kind: AssetKind
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    sha256: str
    generator: str
    parameters: dict[str, Any] = Field(default_factory=dict)
    boxes: dict[str, Box] = Field(default_factory=dict)        # where each text element landed
    contrast: dict[str, float] = Field(default_factory=dict)   # WCAG ratio per text element
    findings: list[Finding] = Field(default_factory=list)      # shrunk text, fallback font, silent track


class Generator(ABC):
    """Makes one file from a request. Subclasses implement ``generate`` and set the capabilities."""

    id: ClassVar[str] = "generator"
    kinds: ClassVar[tuple[AssetKind, ...]] = ("image",)
    aspect_ratios: ClassVar[tuple[str, ...] | None] = None    # None = any ratio
    max_duration: ClassVar[float | None] = None               # seconds, for video
    draws_text: ClassVar[bool] = False                        # lays our ad text itself
    offline: ClassVar[bool] = True

    def supports(self, request: RenderRequest) -> str | None:
        """Why this generator cannot make the request, or None when it can."""
        if request.kind not in self.kinds:
            return f"{self.id} makes {', '.join(self.kinds)}, not {request.kind}"
        if self.aspect_ratios is not None and request.placement.ratio not in self.aspect_ratios:
            return f"{self.id} does not support aspect ratio {request.placement.ratio}"
        if self.max_duration is not None and request.script and request.script.duration > self.max_duration:
            return f"{self.id} makes at most {self.max_duration:g} s, asked for {request.script.duration} s"
        return None

    @abstractmethod
    async def generate(self, request: RenderRequest) -> RenderResult:
        """Write the file and describe it; raise ``RenderError`` subclasses on failure."""



def finding(rule: str, message: str, *, field: str = "", severity: Severity = "warn",
            fix_hint: str = "") -> Finding:
    return Finding(rule_id=f"render.{rule}", pack="render@1", severity=severity, message=message,
                   field=field, fix_hint=fix_hint)
