"""Platform credentials: from settings (the environment or .env), else the OS keyring, never printed.

The keyring is an optional extra (``pip install "adloom[keyring]"``) imported only when a secret is not in the
settings; its entries live under service ``adloom`` with the settings field name as the user name, e.g.
``keyring set adloom meta_access_token``. ``scrub`` removes every secret value from text before it is shown
or stored: error bodies from a platform can echo a request back, token and all.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from adloom.deploy.base import SETTINGS, Credentials
from adloom.errors import ConfigError
from adloom.platforms import Platform

KEYRING_SERVICE = "adloom"
MASK = "[secret]"

__all__ = ["KEYRING_SERVICE", "MASK", "api_base_for", "credentials_for", "scrub"]


def _keyring_lookup(name: str) -> str | None:
    try:
        import keyring  # optional extra; imported only when a secret is not in the settings
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        value = keyring.get_password(KEYRING_SERVICE, name)
    except KeyringError:         # no usable backend (a headless server): as if nothing were stored
        return None
    return value or None


def credentials_for(platform: Platform, settings: Any, *, use_keyring: bool = True) -> Credentials:
    """Every secret (and plain id) the platform's publisher reads, by settings field name.

    A missing secret is not an error here: a dry run needs none. The publisher asks for what it needs
    (``Credentials.secret``), and a missing one is then a one-line error naming the setting.
    """
    if platform not in SETTINGS:
        raise ConfigError(f"no credential settings for platform '{platform}'", field="--platform")
    names = SETTINGS[platform]
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for name in names.get("secrets", ()):
        secret = getattr(settings, name, None)
        value = secret.get_secret_value() if secret is not None else None
        source = "settings"
        if not value and use_keyring:
            value, source = _keyring_lookup(name), "keyring"
        if value:
            values[name], sources[name] = value, source
    for name in names.get("plain", ()):
        plain = getattr(settings, name, None)
        if plain:
            values[name], sources[name] = str(plain), "settings"
    return Credentials(platform, values, sources=sources)


def api_base_for(platform: Platform, settings: Any) -> str | None:
    for name in SETTINGS[platform].get("api_base", ()):
        value = getattr(settings, name, None)
        if value:
            return str(value)
    return None


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value (and its URL-encoded form) replaced by a mask."""
    from urllib.parse import quote

    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK).replace(quote(secret, safe=""), MASK)
    return text
