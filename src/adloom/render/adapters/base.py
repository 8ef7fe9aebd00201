"""What every external image adapter shares: the prompt (never ad text), writing and checking the file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, ClassVar

import httpx
from PIL import Image, UnidentifiedImageError

from adloom.errors import InvalidResponse
from adloom.render.adapters.http import NO_TEXT
from adloom.render.base import AssetKind, Generator, RenderRequest, RenderResult
from adloom.types import sha256_file


def ratio_of(size: str) -> float:
    w, _, h = size.partition("x")
    return int(w) / int(h)


class ImageServiceGenerator(Generator):
    """Base for HTTP image services: subclasses implement ``generate`` with ``fetch`` helpers below."""

    kinds: ClassVar[tuple[AssetKind, ...]] = ("image",)
    draws_text = False
    offline = False
    sizes: ClassVar[tuple[str, ...]] = ("1024x1024",)   # what the service can make; we crop to fit

    def __init__(self, model: str | None = None, *, base_url: str, api_key: str | None = None,
                 timeout: float = 60.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.model = model
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.transport = transport

    @property
    def service(self) -> str:
        return f"{self.id}:{self.model}" if self.model else self.id

    def client(self) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        return httpx.AsyncClient(headers=headers, timeout=self.timeout, transport=self.transport)

    def size_for(self, request: RenderRequest) -> str:
        """The service size whose ratio is closest to the placement's."""
        target = request.placement.width / request.placement.height
        return min(self.sizes, key=lambda s: abs(ratio_of(s) - target))

    def prompt_for(self, request: RenderRequest) -> str:
        visual = request.prompt or f"An advertising photo for {request.brand_name}"
        return f"{visual}\n\n{NO_TEXT}"

    def save(self, request: RenderRequest, data: bytes, parameters: dict[str, Any]) -> RenderResult:
        """Check the bytes are an image, store them as PNG, describe the file."""
        try:
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                rgb = img.convert("RGB")
        except (UnidentifiedImageError, OSError) as exc:
            raise InvalidResponse(f"{self.service}: the returned bytes are not an image") from exc
        path: Path = request.out_stem.with_suffix(".png")
        path.parent.mkdir(parents=True, exist_ok=True)
        rgb.save(path, "PNG", compress_level=1)
        return RenderResult(path=path, media_type="image/png", kind="image", width=rgb.width,
                            height=rgb.height, sha256=sha256_file(path), generator=self.service,
                            parameters=parameters)
