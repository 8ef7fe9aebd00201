"""``openai:MODEL`` — any OpenAI-compatible chat-completions server, through the official SDK.

One wire-format adapter serves OpenAI, vLLM, Ollama, llama.cpp and LM Studio. The presets set what differs
between those servers: base URL and key, the dialect of structured output each accepts, and how many
requests it serves at once. The SDK is an optional extra (``pip install "adloom[openai]"``) imported when
a writer is built, and its own retries are off: the retry layer owns retries so each attempt is a row.

Local servers serve a fixed number of requests at a time (llama.cpp's slots, Ollama's
``OLLAMA_NUM_PARALLEL``) and queue the rest; a queued request's client-side timeout runs while it waits,
so with more in flight than slots, queued calls time out while the server computes answers for clients
that have left. A local preset therefore keeps at most as many requests in flight as the server has
slots (asked where its API says: llama.cpp's ``/props``, else ``/slots``), and each request's timeout
starts when it is sent, that is, when a slot is free for it.
"""

from __future__ import annotations

import asyncio
import importlib
from contextlib import suppress
from typing import Any, ClassVar

import httpx
from pydantic import BaseModel

from adloom.errors import ConfigError, ProviderTimeout, WriterError
from adloom.writers.structured import (
    Completion,
    Message,
    ModelWriter,
    SchemaMode,
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
    default_schema_mode: ClassVar[SchemaMode] = "json_schema"
    # requests in flight: None leaves it to the run's concurrency (a hosted API or vLLM's continuous
    # batching); a number caps it; ``ask_slots`` asks the server first and uses the number if it says
    default_parallel: ClassVar[int | None] = None
    ask_slots: ClassVar[bool] = False

    def __init__(self, model: str | None = None, *, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 120.0, parallel: int | None = None, schema_mode: SchemaMode | None = None,
                 **options: Any) -> None:
        if not model:
            raise ConfigError(f"writer '{self.provider}' needs a model name: '{self.provider}:MODEL'",
                              field="writer")
        super().__init__(model, schema_mode=schema_mode or self.default_schema_mode, **options)
        openai = _sdk()
        self.base_url = base_url or self.default_base_url
        self.timeout = timeout
        try:
            # the SDK falls back to OPENAI_API_KEY / OPENAI_BASE_URL from the environment
            self.client = openai.AsyncOpenAI(api_key=api_key or self.default_api_key, base_url=self.base_url,
                                             timeout=timeout, max_retries=0)
        except openai.OpenAIError as exc:
            raise ConfigError(f"no API key for '{self.id}': set ADLOOM_OPENAI_API_KEY or OPENAI_API_KEY",
                              field="writer") from exc
        self.base_url = str(self.client.base_url)
        self.parallel: int | None = parallel if parallel and parallel > 0 else None
        self._asked = parallel is not None or not self.ask_slots
        if self._asked and self.parallel is None:
            self.parallel = self.default_parallel
        self._slots: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None
        self._asking: asyncio.Lock | None = None
        # the SDK's HTTP layer imports anyio's asyncio backend at the first call: do it now, with the rest
        # of the SDK's import, not in the run's first call
        with suppress(ImportError):
            importlib.import_module("anyio._backends._asyncio")

    # -------------------------------------------------------------- slots

    async def server_slots(self) -> int | None:
        """Requests the server serves at once, as it reports them; None when it does not say."""
        root = str(self.client.base_url).rstrip("/").removesuffix("/v1")
        async with httpx.AsyncClient(timeout=5.0) as http:
            for path, read in (("/props", _total_slots), ("/slots", _slot_count)):
                with suppress(httpx.HTTPError, ValueError):
                    response = await http.get(root + path)
                    if response.status_code == 200 and (slots := read(response.json())):
                        return slots
        return None

    async def _slot(self) -> asyncio.Semaphore | None:
        if not self._asked:
            if self._asking is None:
                self._asking = asyncio.Lock()
            async with self._asking:
                if not self._asked:
                    self.parallel = await self.server_slots() or self.default_parallel
                    self._asked = True
        if self.parallel is None:
            return None
        loop = asyncio.get_running_loop()
        if self._slots is None or self._slots[0] is not loop:      # a semaphore belongs to one loop
            self._slots = (loop, asyncio.Semaphore(self.parallel))
        return self._slots[1]

    # -------------------------------------------------------------- the call

    def _response_format(self, output_type: type[BaseModel]) -> dict[str, Any] | None:
        if self.schema_mode == "json_schema":
            return {"type": "json_schema", "json_schema": {
                "name": output_type.__name__, "schema": output_schema(output_type), "strict": False}}
        if self.schema_mode == "json_object_schema":
            return {"type": "json_object", "schema": output_schema(output_type)}
        if self.schema_mode == "json_object":
            return {"type": "json_object"}
        return None

    async def complete(self, messages: list[Message], output_type: type[BaseModel]) -> Completion:
        slot = await self._slot()
        if slot is None:
            return await self._post(messages, output_type)
        async with slot:            # the timeout starts here, when the server has a slot for the request
            return await self._post(messages, output_type)

    async def _post(self, messages: list[Message], output_type: type[BaseModel]) -> Completion:
        openai = _sdk()
        kwargs: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": self.temperature,
                                  "max_tokens": self.max_tokens}
        if (fmt := self._response_format(output_type)) is not None:
            kwargs["response_format"] = fmt
        try:
            reply = await self.client.chat.completions.create(**kwargs)
        except openai.APITimeoutError as exc:
            raise ProviderTimeout(f"{self.id}: no reply from {self.base_url} within {self.timeout:g}s of "
                                  "sending") from exc
        except openai.APIConnectionError as exc:
            raise ProviderTimeout(f"{self.id}: cannot reach {self.base_url}: {exc.__cause__ or exc}") from exc
        except openai.APIStatusError as exc:
            message = sdk_error_message(exc)
            if fmt is not None and exc.status_code in (400, 422, 500) and _about_format(message):
                raise SchemaUnsupported(message) from exc
            raise http_error(self.id, exc.status_code, message, exc.response.headers, self.base_url) from exc
        except openai.OpenAIError as exc:     # e.g. a body that is not a chat completion at all
            raise WriterError(f"{self.id}: unusable reply from {self.base_url}: {exc}") from exc
        except ValueError as exc:             # an HTTP 200 whose body is not JSON: the SDK's parser raises
            raise WriterError(f"{self.id}: reply from {self.base_url} is not JSON: {exc}") from exc
        if not getattr(reply, "choices", None):
            raise WriterError(f"{self.id}: reply from {self.base_url} is not a chat completion")
        choice = reply.choices[0]
        text = choice.message.content or ""
        if not text and getattr(choice.message, "refusal", None):
            text = f"(refused: {choice.message.refusal})"
        usage = reply.usage
        return Completion(text=text, input_tokens=int(usage.prompt_tokens or 0) if usage else 0,
                          output_tokens=int(usage.completion_tokens or 0) if usage else 0,
                          finish_reason=choice.finish_reason, raw=reply.model_dump(mode="json"))


def _about_format(message: str) -> bool:
    """Whether an error is the server refusing the response format (as opposed to anything else)."""
    lowered = message.lower()
    return "response_format" in lowered or "json_schema" in lowered


def _total_slots(body: Any) -> int | None:
    value = body.get("total_slots") if isinstance(body, dict) else None
    return int(value) if isinstance(value, int) and value > 0 else None


def _slot_count(body: Any) -> int | None:
    return len(body) if isinstance(body, list) and body else None


class OllamaWriter(OpenAIWriter):
    # /v1 takes json_schema (Ollama 0.5+). Its parallel requests per model (OLLAMA_NUM_PARALLEL, 1 or 4 by
    # memory) are not in its API: one at a time unless ADLOOM_WRITER_PARALLEL says more
    provider = "ollama"
    default_base_url = "http://localhost:11434/v1"
    default_api_key = "ollama"
    default_parallel = 1


class VLLMWriter(OpenAIWriter):
    # json_schema through guided decoding; continuous batching takes the run's whole concurrency
    provider = "vllm"
    default_base_url = "http://localhost:8000/v1"
    default_api_key = "EMPTY"


class LlamaCppWriter(OpenAIWriter):
    # llama.cpp's server and llama-cpp-python take {"type": "json_object", "schema": ...} (a grammar from the
    # schema); llama-cpp-python answers json_schema with a 500 and a validation error. Slots from /props
    # (llama.cpp); llama-cpp-python reports none and serves one request at a time
    provider = "llamacpp"
    default_base_url = "http://localhost:8080/v1"
    default_api_key = "EMPTY"
    default_schema_mode = "json_object_schema"
    schema_fallback = {"json_schema": "json_object_schema", "json_object_schema": "json_object"}
    default_parallel = 1
    ask_slots = True


class LMStudioWriter(OpenAIWriter):
    # LM Studio takes json_schema and refuses json_object ("must be 'json_schema' or 'text'"): its fallback
    # is the schema in the prompt. Parallel predictions are a per-model setting its API does not report
    provider = "lmstudio"
    default_base_url = "http://localhost:1234/v1"
    default_api_key = "lm-studio"
    schema_fallback = {"json_schema": "none"}
    default_parallel = 1
