"""``openai:MODEL`` — any OpenAI-compatible chat-completions server, through the official SDK.

One wire-format adapter serves OpenAI, vLLM, Ollama, llama.cpp and LM Studio: only the base URL and key
differ, so the presets below set those and nothing else. The SDK is an optional extra
(``pip install "adloom[openai]"``) imported when a writer is built, and its own retries are off:
``RetryingWriter`` owns retries so each attempt is a stored row.
"""

from __future__ import annotations

import importlib
import json
from contextlib import suppress
from typing import Any, ClassVar

from pydantic import BaseModel

from adloom.errors import ConfigError, ProviderTimeout, WriterError
from adloom.writers.structured import (
    Completion,
    Message,
    ModelWriter,
    SchemaUnsupported,
    http_error,
    import_sdk,
    output_schema,
    sdk_error_message,
)

__all__ = ["LMStudioWriter", "LlamaCppWriter", "OllamaWriter", "OpenAIWriter", "VLLMWriter"]


def _sdk() -> Any:
    return import_sdk("openai", "openai", "the openai writers")


class OpenAIWriter(ModelWriter):
    provider: ClassVar[str] = "openai"
    default_base_url: ClassVar[str | None] = None   # None: the SDK's (OPENAI_BASE_URL or api.openai.com)
    default_api_key: ClassVar[str | None] = None    # local servers accept any key

    def __init__(self, model: str | None = None, *, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 120.0, **options: Any) -> None:
        if not model:
            raise ConfigError(f"writer '{self.provider}' needs a model name: '{self.provider}:MODEL'",
                              field="writer")
        super().__init__(model, **options)
        openai = _sdk()
        self.base_url = base_url or self.default_base_url
        try:
            # the SDK falls back to OPENAI_API_KEY / OPENAI_BASE_URL from the environment
            self.client = openai.AsyncOpenAI(api_key=api_key or self.default_api_key, base_url=self.base_url,
                                             timeout=timeout, max_retries=0)
        except openai.OpenAIError as exc:
            raise ConfigError(f"no API key for '{self.id}': set ADLOOM_OPENAI_API_KEY or OPENAI_API_KEY",
                              field="writer") from exc
        self.base_url = str(self.client.base_url)
        # the SDK's HTTP layer imports anyio's asyncio backend at the first call: do it now, with the rest
        # of the SDK's import, not in the run's first call
        with suppress(ImportError):
            importlib.import_module("anyio._backends._asyncio")

    def _response_format(self, output_type: type[BaseModel]) -> dict[str, Any] | None:
        if self.schema_mode == "json_schema":
            return {"type": "json_schema", "json_schema": {
                "name": output_type.__name__, "schema": output_schema(output_type), "strict": False}}
        if self.schema_mode == "json_object":
            return {"type": "json_object"}
        return None

    async def complete(self, messages: list[Message], output_type: type[BaseModel]) -> Completion:
        openai = _sdk()
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature,
                                  "max_tokens": self.max_tokens}
        if (fmt := self._response_format(output_type)) is not None:
            kwargs["response_format"] = fmt
        try:
            # the SDK's generic POST (its documented route for any endpoint) with the raw body back: its
            # typed ``create`` walks every message and the whole JSON Schema to transform the parameters
            # (~3.5 ms a call, none of it needed for plain JSON), and parsing the reply into its models and
            # back costs more than the rest of the call
            body = json.loads(await self.client.post("/chat/completions", body=kwargs, cast_to=bytes))
        except openai.APITimeoutError as exc:
            raise ProviderTimeout(f"{self.id}: no reply from {self.base_url} in time") from exc
        except openai.APIConnectionError as exc:
            raise ProviderTimeout(f"{self.id}: cannot reach {self.base_url}: {exc.__cause__ or exc}") from exc
        except openai.APIStatusError as exc:
            if exc.status_code == 400 and self.schema_mode == "json_schema" and "response_format" in str(exc):
                raise SchemaUnsupported(str(exc)) from exc
            raise http_error(self.id, exc.status_code, sdk_error_message(exc), exc.response.headers,
                             self.base_url) from exc
        except openai.OpenAIError as exc:     # e.g. a body that is not a chat completion at all
            raise WriterError(f"{self.id}: unusable reply from {self.base_url}: {exc}") from exc
        except ValueError as exc:
            raise WriterError(f"{self.id}: reply from {self.base_url} is not JSON: {exc}") from exc
        try:
            choice = body["choices"][0]
            message = choice.get("message") or {}
            usage = body.get("usage") or {}
        except (KeyError, IndexError, TypeError, AttributeError) as exc:
            raise WriterError(f"{self.id}: reply from {self.base_url} is not a chat completion") from exc
        text = message.get("content") or ""
        if not text and message.get("refusal"):
            text = f"(refused: {message['refusal']})"
        return Completion(text=text, input_tokens=int(usage.get("prompt_tokens") or 0),
                          output_tokens=int(usage.get("completion_tokens") or 0),
                          finish_reason=choice.get("finish_reason"), raw=body)


class OllamaWriter(OpenAIWriter):
    provider = "ollama"
    default_base_url = "http://localhost:11434/v1"
    default_api_key = "ollama"


class VLLMWriter(OpenAIWriter):
    provider = "vllm"
    default_base_url = "http://localhost:8000/v1"
    default_api_key = "EMPTY"


class LlamaCppWriter(OpenAIWriter):
    provider = "llamacpp"
    default_base_url = "http://localhost:8080/v1"
    default_api_key = "EMPTY"


class LMStudioWriter(OpenAIWriter):
    provider = "lmstudio"
    default_base_url = "http://localhost:1234/v1"
    default_api_key = "lm-studio"
