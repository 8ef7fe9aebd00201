"""Generators behind one interface: static image ads, video animatics, creator briefs, and adapters for
external image services. Select one by string with ``get_generator``; see ``base`` for the contract."""

from adloom.errors import (
    GenerationRefused,
    GeneratorTimeout,
    GeneratorUnavailable,
    InvalidResponse,
    RenderError,
    UnsupportedRequest,
)
from adloom.render.base import AdText, Generator, RenderRequest, RenderResult
from adloom.render.registry import available, get_generator

__all__ = [
    "AdText",
    "GenerationRefused",
    "Generator",
    "GeneratorTimeout",
    "GeneratorUnavailable",
    "InvalidResponse",
    "RenderError",
    "RenderRequest",
    "RenderResult",
    "UnsupportedRequest",
    "available",
    "get_generator",
]
