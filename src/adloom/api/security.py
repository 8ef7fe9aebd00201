"""Who is calling and what they may do: sessions, bearer tokens, roles, CSRF, the sign-in rate limit, and
the security headers every response carries.

A route states its role by depending on ``require("reviewer")`` or ``require("admin")`` (the app refuses to
start if a route outside ``PUBLIC`` states none). Cookie-authenticated calls that change state must carry
the session's CSRF token (form field ``csrf`` or header ``X-CSRF-Token``); bearer-token calls carry no
ambient credential, so they need none.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator
from threading import Lock
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from adloom.api.config import ServeConfig
from adloom.store.accounts import Principal, Role, has_role, principal_for_session, principal_for_token

__all__ = ["COOKIE", "PUBLIC", "CsrfFailed", "Forbidden", "LoginLimiter", "NotAuthenticated", "SecurityHeaders",
           "login_csrf", "require"]

COOKIE = "adloom_session"
PRE_COOKIE = "adloom_signin"          # the sign-in form's CSRF nonce, before there is a session
PUBLIC = {"/login", "/health", "/api/health"}
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer", "Cross-Origin-Opener-Policy": "same-origin",
           "Cross-Origin-Resource-Policy": "same-origin",
           "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()"}


class NotAuthenticated(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class CsrfFailed(Forbidden):
    pass


class SecurityHeaders:
    """The security headers on every HTTP response. Plain ASGI: Starlette's BaseHTTPMiddleware runs each
    request in a task of its own with streams between them, a cost every page paid for adding headers."""

    def __init__(self, app: ASGIApp, secure: bool) -> None:
        self.app = app
        extra = {"Strict-Transport-Security": "max-age=31536000"} if secure else {}
        self.headers = [(k.lower().encode(), v.encode()) for k, v in {**HEADERS, **extra}.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(k, v) for k, v in self.headers if k not in present]
                if not static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def config_of(request: Request) -> ServeConfig:
    config: ServeConfig = request.app.state.config
    return config


def request_session(request: Request) -> Iterator[Session]:
    """The request's one store session: FastAPI caches a dependency per request, so the caller's identity
    and the route read through the same connection (one pool checkout and liveness ping, not two)."""
    with config_of(request).factory() as session:
        yield session


def principal_of(request: Request, session: Session | None = None) -> Principal | None:
    """From ``Authorization: Bearer`` if present, else the session cookie; cached on the request."""
    if hasattr(request.state, "principal"):
        found: Principal | None = request.state.principal
        return found
    if session is None:
        with config_of(request).factory() as own:
            return principal_of(request, own)
    principal = None
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        principal = principal_for_token(session, auth[7:].strip())
    elif request.cookies.get(COOKIE):
        principal = principal_for_session(session, request.cookies[COOKIE])
    request.state.principal = principal
    return principal


async def principal_async(request: Request, session: Session | None = None) -> Principal | None:
    """``principal_of`` off the event loop (it reads the store)."""
    return await run_in_threadpool(principal_of, request, session)


async def _csrf_sent(request: Request) -> str:
    header = request.headers.get("x-csrf-token")
    if header:
        return header
    if request.headers.get("content-type", "").startswith(("application/x-www-form-urlencoded", "multipart/")):
        form = await request.form()
        value = form.get("csrf")
        return value if isinstance(value, str) else ""
    return ""


def require(role: Role) -> Callable[..., Awaitable[Principal]]:
    """The dependency that states a route's role (and checks CSRF on state-changing cookie calls)."""

    async def dependency(request: Request, session: Annotated[Session, Depends(request_session)]) -> Principal:
        principal = await principal_async(request, session)
        if principal is None:
            raise NotAuthenticated()
        if request.method not in SAFE_METHODS and principal.kind == "user":
            sent = await _csrf_sent(request)
            if not sent or not principal.csrf or not hmac.compare_digest(sent, principal.csrf):
                raise CsrfFailed("missing or wrong CSRF token: reload the page and try again")
        if not has_role(principal, role):
            raise Forbidden(f"this needs the {role} role; you are signed in as a {principal.role}")
        return principal

    dependency.adloom_role = role  # type: ignore[attr-defined]
    return dependency


def login_csrf(secret: str, nonce: str) -> str:
    """The sign-in form's token: HMAC of a nonce kept in a cookie (double submit, signed)."""
    return hmac.new(secret.encode(), b"signin:" + nonce.encode(), hashlib.sha256).hexdigest()


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


class LoginLimiter:
    """Failed sign-ins per name and per client address in a sliding window (one process; enough for a desk)."""

    def __init__(self, attempts: int, window: float = 300.0) -> None:
        self.attempts = attempts
        self.window = window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds until another try is allowed, 0 if allowed now."""
        now = time.monotonic()
        with self._lock:
            waits = [int(self.window - (now - q[0])) + 1 for k in keys
                     if len(q := self._recent(k, now)) >= self.attempts]
        return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def succeeded(self, name_key: str) -> None:
        with self._lock:
            self._failures.pop(name_key, None)
