"""Structured output from language models: schema response formats, tolerant JSON extraction, re-asks.

``ModelWriter`` is the shared body of every model-backed writer: render the task's prompt, ask, validate
against the task's pydantic type, and on failure re-ask with the validation error, a bounded number of
times, before raising ``OutputInvalid`` with the last response kept on the call record. Adapters
implement one method, ``complete``, and translate their SDK's errors with ``http_error``.

What one call sent and got back is collected in an ``Exchange`` held in a context variable, so the
``RecordingWriter`` wrapper can store it without widening the ``Writer.run`` interface.
"""

from __future__ import annotations

import importlib
import json
import re
from abc import abstractmethod
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar, Literal, cast

from pydantic import BaseModel, ValidationError

from adloom.errors import ConfigError, OutputInvalid, ProviderTimeout, RateLimited, WriterError
from adloom.injection import has_instruction_like, instruction_flags
from adloom.textfold import fold
from adloom.types import ConceptDraft
from adloom.writers.base import OutT, Task, Writer
from adloom.writers.prompts import compile_template, render
from adloom.writers.retry import parse_retry_after, retry_after_of  # re-exported: the error's wait
from adloom.writers.tasks import AngleList, BrandTask

__all__ = ["REASK_GATE", "Completion", "Exchange", "ModelWriter", "SchemaMode", "capture", "content_problems",
           "current_exchange", "extract_json", "http_error", "output_schema", "parse_output",
           "parse_retry_after", "rate_limited", "retry_after_of"]

# How the output's JSON Schema reaches the server: OpenAI's ``json_schema`` response format;
# ``json_object_schema``, llama.cpp's ``{"type": "json_object", "schema": ...}`` (a grammar built from the
# schema); ``json_object`` (any JSON, the schema in the prompt); ``none`` (the schema in the prompt only).
SchemaMode = Literal["json_schema", "json_object_schema", "json_object", "none"]
ENFORCED: frozenset[str] = frozenset({"json_schema", "json_object_schema"})   # the server holds the reply to it
Message = dict[str, str]

# Fields where an address is the point (the brand's own site); everywhere else a link is a finding.
URL_FIELDS = frozenset({"website", "url"})
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+|\[[^\]]*\]\([^)\s]+\)")
_URL_NEEDED = re.compile(r"https?://|www\.|\]\(")    # in every _URL match, once folded (a fast screen)
_THINK = re.compile(r"(?is)<think>.*?</think>")
_FENCED = re.compile(r"(?s)```(?:json|JSON)?\s*(.*?)```")


@dataclass
class Completion:
    """One model response, already unwrapped from its vendor's envelope."""

    text: str
    input_tokens: int = 0
    output_tokens: int = 0
    finish_reason: str | None = None
    raw: dict[str, Any] | None = None


@dataclass
class Exchange:
    """Everything one writer call did: filled by ``ModelWriter``, stored by ``RecordingWriter``."""

    provider: str = ""
    model: str = ""
    template: str = ""
    prompt_hash: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    messages: list[Message] = field(default_factory=list)
    responses: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)    # validation error of each rejected response
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, completion: Completion) -> None:
        self.input_tokens += completion.input_tokens
        self.output_tokens += completion.output_tokens
        self.responses.append({"text": completion.text, "finish_reason": completion.finish_reason,
                               "raw": completion.raw})


_CURRENT: ContextVar[Exchange | None] = ContextVar("adloom_writer_exchange", default=None)


def current_exchange() -> Exchange | None:
    return _CURRENT.get()


# Awaited before each re-ask (a second request inside one writer call), so a rate limit wrapped around the
# writer (``writers.shared_budget``) also counts the requests a call makes after its first; given the
# conversation so far.
ReaskGate = Callable[[list[Message]], Awaitable[None]]
REASK_GATE: ContextVar[ReaskGate | None] = ContextVar("adloom_reask_gate", default=None)


@contextmanager
def capture() -> Iterator[Exchange]:
    """A fresh exchange for the calls made inside; its token counts also roll up into an enclosing one."""
    parent = _CURRENT.get()
    exchange = Exchange()
    token = _CURRENT.set(exchange)
    try:
        yield exchange
    finally:
        _CURRENT.reset(token)
        if parent is not None:
            parent.input_tokens += exchange.input_tokens
            parent.output_tokens += exchange.output_tokens


# ---------------------------------------------------------------- parsing


def extract_json(text: str) -> Any:
    """The first JSON object in ``text``: bare, in a markdown fence, or after prose or a <think> block."""
    cleaned = _THINK.sub("", text or "").strip()
    candidates = [cleaned, *(m.group(1).strip() for m in _FENCED.finditer(cleaned))]
    for candidate in candidates:
        try:
            return json.loads(candidate)
        except ValueError:
            continue
    decoder = json.JSONDecoder()
    for match in re.finditer(r"[{\[]", cleaned):
        try:
            value, _ = decoder.raw_decode(cleaned, match.start())
        except ValueError:
            continue
        if isinstance(value, dict):
            return value
    raise ValueError("the reply holds no JSON object" if cleaned else "the reply is empty")


def content_problems(value: Any, path: str = "") -> list[str]:
    """Links and instruction-like text anywhere in a parsed output (model text is untrusted too)."""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    # a screen over all the texts at once first: a clean output (the usual case) costs two fast searches,
    # not eleven slow ones per string. Every match within one text contains a screened-for substring of
    # that text, so joining them can only add false alarms (which the field-by-field scan then settles)
    texts: list[str] = []
    _collect_texts(value, texts)
    joined = "\x00\n".join(texts)
    if _URL_NEEDED.search(fold(joined)) is None and not has_instruction_like(joined):
        return []
    return _content_problems(value, path)


def _collect_texts(value: Any, out: list[str]) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if not (key in URL_FIELDS and isinstance(item, str)):
                _collect_texts(item, out)
    elif isinstance(value, list):
        for item in value:
            _collect_texts(item, out)
    elif isinstance(value, str):
        out.append(value)


def _content_problems(value: Any, path: str) -> list[str]:
    problems: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in URL_FIELDS and isinstance(item, str):
                continue
            problems += _content_problems(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problems += _content_problems(item, f"{path}[{i}]")
    elif isinstance(value, str):
        if _URL.search(value):
            problems.append(f"{path}: contains a link ({_URL.search(value).group(0)[:60]!r}); links are not allowed")  # type: ignore[union-attr]
        problems += [f"{path}: contains instruction-like text ({flag.split(': ', 1)[1]!r})"
                     for flag in instruction_flags(value)]
    return problems


def _substance_problems(output: BaseModel) -> list[str]:
    """Valid but empty is still a failure: never pass on a concept with nothing in it."""
    if isinstance(output, ConceptDraft):
        return [f"{name}: must not be empty" for name in ("hooks", "scripts")
                if not getattr(output, name)]
    if isinstance(output, AngleList) and not output.angles:
        return ["angles: must not be empty"]
    return []


def parse_output(text: str, output_type: type[OutT]) -> OutT:
    """Validate a reply as ``output_type``; ``ValueError`` with a message fit to send back to the model."""
    data = extract_json(text)
    try:
        output = output_type.model_validate(data)
    except ValidationError as exc:
        errors = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in exc.errors()[:8]]
        more = f" (and {exc.error_count() - 8} more)" if exc.error_count() > 8 else ""
        raise ValueError("schema validation failed: " + "; ".join(errors) + more) from exc
    problems = _substance_problems(output) + content_problems(output)
    if problems:
        raise ValueError("; ".join(problems[:8]))
    return output


@lru_cache(maxsize=32)
def output_schema(output_type: type[BaseModel]) -> dict[str, Any]:
    """JSON Schema of an output type; generated once, since it takes pydantic tens of milliseconds."""
    return output_type.model_json_schema()


def reask_message(problem: str) -> str:
    return (f"Your reply could not be used: {problem}. Reply again with only the corrected JSON object, "
            "complete, and nothing else.")


# ---------------------------------------------------------------- errors


def rate_limited(message: str, retry_after: float | None) -> RateLimited:
    exc = RateLimited(message)
    # errors.RateLimited promises retry_after; carried as an attribute until the tree grows the argument
    exc.retry_after = retry_after  # type: ignore[attr-defined]
    return exc


_INVALID = re.compile(r"(?i)\d+ validation errors?\b|input should be|field required|extra inputs are not "
                      r"permitted|unexpected keyword argument|invalid_request_error")
_CONTEXT = re.compile(r"(?i)context[_ ]length|maximum context|too many tokens|prompt is too long|context window|"
                      r"exceed context")


def http_error(writer_id: str, status: int, message: str, headers: Mapping[str, str] | None = None,
               base_url: str | None = None) -> WriterError:
    """One translation of a provider's HTTP error status into the error tree, shared by all adapters."""
    where = f" at {base_url}" if base_url else ""
    if status == 429:
        return rate_limited(f"{writer_id}: rate limited (429): {message}", parse_retry_after(headers))
    if status in (401, 403):
        return WriterError(f"{writer_id}: the provider{where} rejected the API key ({status}); "
                           "check the key setting or environment variable")
    if status == 404:
        return WriterError(f"{writer_id}: model or endpoint not found{where} (404): {message}; "
                           "check the model name and base URL")
    if status in (400, 413, 422, 500) and _CONTEXT.search(message):    # llama-cpp-python: a 500
        return WriterError(f"{writer_id}: the prompt is longer than the model's context window: {message}")
    if _INVALID.search(message):
        # some servers (llama-cpp-python) answer a request they cannot parse with a 500: the same request
        # fails the same way every time, so it is not a timeout and is not retried
        return WriterError(f"{writer_id}: the server{where} refused the request as invalid ({status}): {message}")
    if status >= 500 or status in (408, 409):
        return ProviderTimeout(f"{writer_id}: provider error {status}{where}: {message}")
    return WriterError(f"{writer_id}: request refused ({status}): {message}")


class SchemaUnsupported(Exception):
    """The server refused the response format; fall back to the writer's next ``schema_fallback``."""


# ---------------------------------------------------------------- the shared model writer


class ModelWriter(Writer):
    """A writer backed by a chat model. Subclasses implement ``complete`` and set ``provider``."""

    provider: ClassVar[str] = "model"
    supports_schema: ClassVar[bool] = True
    handles: ClassVar[tuple[type[Task[Any]], ...]] = (Task,)    # any task with a prompt template
    # the response format to try when the server refuses one (an adapter's dialect may chain further)
    schema_fallback: ClassVar[dict[str, SchemaMode]] = {"json_schema": "json_object"}

    def __init__(self, model: str, *, max_reasks: int = 2, temperature: float = 0.7, max_tokens: int = 4096,
                 schema_mode: SchemaMode = "json_schema") -> None:
        self.model = model
        self.id = f"{self.provider}:{model}"
        self.max_reasks = max_reasks
        self.temperature = temperature
        self.max_tokens = max_tokens
        self.schema_mode: SchemaMode = schema_mode
        self._fatal: WriterError | None = None   # a bad key or model fails every later call the same way
        # a run's first call (reading the brand) has no earlier wait to hide its one-time work behind;
        # the driver prepares the other task types while that call is out
        self.prepare((BrandTask,))

    def prepare(self, task_types: Iterable[type[Task[Any]]]) -> None:
        for task_type in task_types:
            compile_template(task_type.template)
            output_schema(task_type.output_type)

    def params(self) -> dict[str, Any]:
        """What besides the prompt shapes the output; part of the cache key and the stored row."""
        return {"temperature": self.temperature, "max_tokens": self.max_tokens, "schema_mode": self.schema_mode}

    @abstractmethod
    async def complete(self, messages: list[Message], output_type: type[BaseModel]) -> Completion:
        """Send the conversation; return the reply. Raise ``WriterError`` subclasses (see ``http_error``)
        and ``SchemaUnsupported`` if the server refuses the schema response format."""

    async def run(self, task: Task[OutT]) -> OutT:
        if self._fatal is not None:
            raise type(self._fatal)(self._fatal.message)
        try:
            while True:
                try:
                    return await self._ask(task)
                except SchemaUnsupported as exc:
                    fallback = self.schema_fallback.get(self.schema_mode)
                    if fallback is None:
                        raise WriterError(f"{self.id}: the server refuses the '{self.schema_mode}' response "
                                          f"format: {exc}") from exc
                    self.schema_mode = fallback
        except WriterError as exc:
            if not exc.retryable and not isinstance(exc, OutputInvalid) and _is_fatal(exc):
                self._fatal = exc
            raise

    async def _ask(self, task: Task[OutT]) -> OutT:
        output_type = cast(type[OutT], task.output_type)
        schema = None if self.schema_mode in ENFORCED else output_schema(output_type)
        prompt = render(task.template, task=task, schema=schema)
        exchange = current_exchange() or Exchange()
        exchange.provider, exchange.model, exchange.template = self.provider, self.model, prompt.template
        exchange.prompt_hash, exchange.params = prompt.hash(), self.params()
        messages: list[Message] = [{"role": "system", "content": prompt.system},
                                   {"role": "user", "content": prompt.user}]
        exchange.messages = messages
        problem = ""
        for attempt in range(self.max_reasks + 1):
            gate = REASK_GATE.get() if attempt else None
            if gate is not None:
                await gate(messages)
            completion = await self.complete(messages, output_type)
            exchange.add(completion)
            try:
                return parse_output(completion.text, output_type)
            except ValueError as exc:
                problem = str(exc)
                if completion.finish_reason in ("length", "max_tokens"):
                    problem += f" (the reply was cut off at max_tokens={self.max_tokens})"
                exchange.problems.append(problem)
            messages.append({"role": "assistant", "content": completion.text})
            messages.append({"role": "user", "content": reask_message(problem)})
        raise OutputInvalid(f"{self.id}: no valid {output_type.__name__} after {self.max_reasks + 1} "
                            f"replies; last problem: {problem}", field=task.template)


def _is_fatal(exc: WriterError) -> bool:
    text = exc.message
    return "rejected the API key" in text or "not found" in text


def import_sdk(module: str, extra: str, who: str) -> Any:
    """A vendor SDK, imported only when its writer is used; a missing extra is a fix-it message."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ConfigError(f'{who} needs the {module} SDK: pip install "adloom[{extra}]"', field="writer") from exc


def sdk_error_message(exc: Any) -> str:
    """The provider's own error message from an SDK status error (OpenAI and Anthropic share the shape)."""
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
    return str(exc.message)
