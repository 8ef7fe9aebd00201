"""Select a generator by string: ``static``, ``static:card``, ``animatic``, ``brief:pdf``, ``fake``,
``openai-images:gpt-image-1`` ...

Built-ins are listed here; third-party generators register under the ``adloom.generators`` entry-point
group (same names win over built-ins). The part after ``:`` is handed to the class as ``model``.
"""

from __future__ import annotations

import difflib
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any

from adloom.errors import ConfigError
from adloom.render.base import Generator

GROUP = "adloom.generators"
BUILTIN: dict[str, str] = {
    "static": "adloom.render.static:StaticImageGenerator",
    "animatic": "adloom.render.video:AnimaticGenerator",
    "brief": "adloom.render.brief_doc:BriefGenerator",
    "fake": "adloom.render.fake:FakeImageGenerator",
    "openai-images": "adloom.render.adapters.openai_images:OpenAIImagesGenerator",
    "image-jobs": "adloom.render.adapters.jobs:JobImageGenerator",
    "runway": "adloom.render.adapters.video_jobs:RunwayVideoGenerator",
    "kling": "adloom.render.adapters.video_jobs:KlingVideoGenerator",
}


def _load(target: str) -> type[Generator]:
    module, _, attr = target.partition(":")
    cls: type[Generator] = getattr(import_module(module), attr)
    return cls


def available() -> dict[str, str]:
    """Generator name -> ``module:Class`` for built-ins and installed plugins."""
    found = dict(BUILTIN)
    found.update({ep.name: ep.value for ep in entry_points(group=GROUP)})
    return found


def parse_generator_id(spec: str) -> tuple[str, str | None]:
    name, _, model = spec.strip().partition(":")
    return name.lower(), (model or None)


def get_generator(spec: str, **options: Any) -> Generator:
    """An instance for ``spec``; ConfigError with a 'did you mean' for an unknown name."""
    name, model = parse_generator_id(spec)
    known = available()
    if name not in known:
        close = difflib.get_close_matches(name, list(known), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"unknown generator '{spec}'{hint} (installed: {', '.join(sorted(known))})",
                          field="generator")
    cls = _load(known[name])
    return cls(model=model, **options) if model else cls(**options)  # type: ignore[call-arg]
