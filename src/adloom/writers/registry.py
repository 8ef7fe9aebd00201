"""Select a writer by string: ``formula``, ``fake``, ``openai:gpt-4o-mini``, ``ollama:llama3.1`` ...

Built-in and third-party writers register under the ``adloom.writers`` entry-point group; the part
before ``:`` picks the class, the rest is the model name handed to it.
"""

from __future__ import annotations

import difflib
from importlib.metadata import entry_points
from typing import Any

from adloom.errors import ConfigError
from adloom.writers.base import Writer

# Providers a later release adds, with the extra that brings their SDK: a clear fix-it, not "unknown".
EXTRAS: dict[str, str] = {"openai": "openai", "ollama": "openai", "vllm": "openai", "llamacpp": "openai",
                          "lmstudio": "openai", "anthropic": "anthropic"}


def available() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group="adloom.writers")}


def parse_writer_id(spec: str) -> tuple[str, str | None]:
    provider, _, model = spec.strip().partition(":")
    return provider.lower(), (model or None)


def get_writer(spec: str, **options: Any) -> Writer:
    provider, model = parse_writer_id(spec)
    eps = available()
    if provider not in eps:
        if provider in EXTRAS:
            raise ConfigError(f"writer '{spec}' needs an extra that is not installed: "
                              f'pip install "adloom[{EXTRAS[provider]}]"', field="writer")
        close = difflib.get_close_matches(provider, list(eps) + list(EXTRAS), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"unknown writer '{spec}'{hint} (installed: {', '.join(sorted(eps))})",
                          field="writer")
    cls = eps[provider].load()
    writer: Writer = cls(model=model, **options) if model else cls(**options)
    return writer
