"""What the app is built from: the store, the project folder and the security settings, checked once.

Read from ``Settings`` only here and in the CLI; the app itself takes a ``ServeConfig``.
"""

from __future__ import annotations

import ipaddress
import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from adloom.errors import ConfigError
from adloom.settings import Settings

__all__ = ["ServeConfig", "is_loopback", "serve_config"]

DEFAULT_SECRETS = {"", "change-me", "changeme", "secret", "dev", "development", "adloom"}


@dataclass(frozen=True)
class ServeConfig:
    factory: sessionmaker[Session]
    project_dir: Path
    secret_key: str
    secure_cookies: bool        # False only for plain-HTTP development on a loopback address
    session_hours: float = 12.0
    login_attempts: int = 5
    audit_redact: bool = True
    out_dir: Path = Path("out")
    settings: Settings | None = None   # for /audit/verify: the same signing key and witness as the CLI


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve_config(settings: Settings, factory: sessionmaker[Session], project_dir: Path, host: str) -> ServeConfig:
    """Refuse a non-loopback host without a real secret key. On loopback a missing key is replaced by a random
    one for this process (sign-in forms open before a restart must be reloaded), and cookies drop the
    Secure flag there, since a browser does not send Secure cookies over plain http://127.0.0.1; anywhere else
    adloom expects to sit behind TLS and cookies are Secure."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else ""
    local = is_loopback(host)
    if not local and (key.strip().lower() in DEFAULT_SECRETS or len(key) < 32):
        raise ConfigError(f"refusing to serve on {host}: set ADLOOM_SECRET_KEY to a random value of 32+ characters "
                          "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)",
                          field="ADLOOM_SECRET_KEY")
    return ServeConfig(factory=factory, project_dir=project_dir, secret_key=key or secrets.token_urlsafe(48),
                       secure_cookies=not local, session_hours=settings.session_hours,
                       login_attempts=settings.login_attempts, audit_redact=settings.audit_redact,
                       out_dir=settings.out_dir, settings=settings)
