"""``anthropic:MODEL`` — Anthropic's Messages API through the official SDK (``pip install "adloom[anthropic]"``).

Structured output goes through a forced tool call whose input schema is the task's output type; a reply
that ignores it and answers in text is still read by the tolerant extraction in ``structured``.
"""

from __future__ import annotations

import inspect
import json
import os
from typing import Any, ClassVar

from pydantic import BaseModel

from adloom.errors import ConfigError, ProviderTimeout, WriterError
from adloom.writers.structured import (
    Completion,
    Message,
    ModelWriter,
    http_error,
    import_sdk,
    output_schema,
    sdk_error_message,
)

__all__ = ["AnthropicWriter"]


def _sdk() -> Any:
    return import_sdk("anthropic", "anthropic", "the anthropic writer")


class AnthropicWriter(ModelWriter):
    provider: ClassVar[str] = "anthropic"

    def __init__(self, model: str | None = None, *, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 120.0, **options: Any) -> None:
        if not model:
            raise ConfigError("writer 'anthropic' needs a model name: 'anthropic:MODEL'", field="writer")
        super().__init__(model, **options)
        anthropic = _sdk()
        key = api_key or os.environ.get("ANTHROPIC_API_KEY")
        if not key:
            raise ConfigError(f"no API key for '{self.id}': set ADLOOM_ANTHROPIC_API_KEY or ANTHROPIC_API_KEY",
                              field="writer")
        self.client = anthropic.AsyncAnthropic(api_key=key, base_url=base_url, timeout=timeout, max_retries=0)
        self.base_url = str(self.client.base_url)
        # recent SDK releases dropped sampling parameters from messages.create; send it only where accepted
        self._takes_temperature = "temperature" in inspect.signature(self.client.messages.create).parameters

    async def complete(self, messages: list[Message], output_type: type[BaseModel]) -> Completion:
        anthropic = _sdk()
        system = "\n\n".join(m["content"] for m in messages if m["role"] == "system")
        kwargs: dict[str, Any] = {
            "model": self.model, "max_tokens": self.max_tokens,
            "system": system, "messages": [m for m in messages if m["role"] != "system"]}
        if self._takes_temperature:
            kwargs["temperature"] = self.temperature
        tool = f"emit_{output_type.__name__}"
        if self.schema_mode == "json_schema":
            kwargs["tools"] = [{"name": tool, "description": f"Return the {output_type.__name__}.",
                                "input_schema": output_schema(output_type)}]
            kwargs["tool_choice"] = {"type": "tool", "name": tool}
        try:
            response = await self.client.messages.create(**kwargs)
        except anthropic.APITimeoutError as exc:
            raise ProviderTimeout(f"{self.id}: no reply from {self.base_url} in time") from exc
        except anthropic.APIConnectionError as exc:
            raise ProviderTimeout(f"{self.id}: cannot reach {self.base_url}: {exc.__cause__ or exc}") from exc
        except anthropic.APIStatusError as exc:
            raise http_error(self.id, exc.status_code, sdk_error_message(exc), exc.response.headers,
                             self.base_url) from exc
        except anthropic.AnthropicError as exc:
            raise WriterError(f"{self.id}: unusable reply from {self.base_url}: {exc}") from exc
        text = ""
        for block in response.content:
            if block.type == "tool_use":
                text = json.dumps(block.input)
                break
            if block.type == "text":
                text += block.text
        return Completion(text=text, input_tokens=response.usage.input_tokens,
                          output_tokens=response.usage.output_tokens, finish_reason=response.stop_reason,
                          raw=response.model_dump(mode="json"))

