"""OpenAI-style image endpoint: ``POST {base_url}/images/generations`` answering ``data[0].b64_json`` (or
``url``). Serves OpenAI and the many servers that copy its wire format, selected as
``openai-images:<model>`` with a base URL and key; the picture is a background, our renderer adds the text.
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from adloom.errors import InvalidResponse
from adloom.render.adapters.base import ImageServiceGenerator
from adloom.render.adapters.http import image_bytes, request_json
from adloom.render.base import RenderRequest, RenderResult

DEFAULT_BASE_URL = "https://api.openai.com/v1"


class OpenAIImagesGenerator(ImageServiceGenerator):
    id: ClassVar[str] = "openai-images"
    sizes: ClassVar[tuple[str, ...]] = ("1024x1024", "1024x1536", "1536x1024")

    def __init__(self, model: str | None = None, *, base_url: str | None = None, api_key: str | None = None,
                 **kwargs: Any) -> None:
        # selected by string (``adloom run --generator image=openai-images``): URL and key from the environment
        super().__init__(model or "gpt-image-1",
                         base_url=base_url or os.environ.get("ADLOOM_OPENAI_IMAGES_URL", DEFAULT_BASE_URL),
                         api_key=api_key or os.environ.get("OPENAI_API_KEY"), **kwargs)

    async def generate(self, request: RenderRequest) -> RenderResult:
        size = self.size_for(request)
        payload = {"model": self.model, "prompt": self.prompt_for(request), "n": 1, "size": size,
                   "response_format": "b64_json"}
        async with self.client() as client:
            body = await request_json(client, "POST", f"{self.base_url}/images/generations", self.service,
                                      json=payload)
            items = body.get("data")
            if not isinstance(items, list) or not items:
                raise InvalidResponse(f"{self.service}: response has no 'data' list")
            data = await image_bytes(client, items[0], self.service)
        return self.save(request, data, {"model": self.model, "size": size, "prompt": payload["prompt"]})
