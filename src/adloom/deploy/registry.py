"""Select a publisher by platform name: ``meta``, ``tiktok``, ``google``.

Built-in and third-party publishers register under the ``adloom.publishers`` entry-point group
(``deploy.base.ENTRY_POINT_GROUP``); the name is the platform the ``--platform`` option takes.
"""

from __future__ import annotations

import difflib
from importlib.metadata import entry_points
from typing import Any

from adloom.deploy.base import ENTRY_POINT_GROUP, Credentials, Publisher
from adloom.errors import ConfigError


def available() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def publisher_class(name: str) -> type[Publisher]:
    eps = available()
    key = name.strip().lower()
    if key not in eps:
        close = difflib.get_close_matches(key, list(eps), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise ConfigError(f"unknown platform '{name}'{hint} (publishers installed: {', '.join(sorted(eps)) or 'none'})",
                          field="--platform")
    try:
        cls: type[Publisher] = eps[key].load()
    except ImportError as exc:     # a publisher whose optional SDK is missing: say which, not a traceback
        raise ConfigError(f"publisher '{key}' could not be loaded: {exc}", field="--platform") from None
    return cls


def get_publisher(name: str, credentials: Credentials, api_base: str | None = None, **options: Any) -> Publisher:
    return publisher_class(name)(credentials, api_base, **options)
