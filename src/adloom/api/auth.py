"""Sign-in, sign-out and health: the only routes an anonymous caller may reach."""

from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from adloom.api.deps import Reviewer
from adloom.api.problems import problem
from adloom.api.security import COOKIE, PRE_COOKIE, config_of, login_csrf, new_nonce
from adloom.store import accounts
from adloom.store.db import transaction

router = APIRouter()


@router.get("/health", tags=["public"])
@router.get("/api/health", tags=["public"])
def health() -> dict[str, str]:
    """Liveness: answers without touching the store (the benchmark's baseline)."""
    return {"status": "ok"}


def _safe_next(value: str | None) -> str:
    """Only a local path: an open redirect would hand the session to another site."""
    if not value or not value.startswith("/") or value.startswith("//") or urlsplit(value).netloc:
        return "/desk"
    return value


@router.get("/login", tags=["public"], include_in_schema=True)
def login_page(request: Request, next: str | None = None, error: str | None = None) -> Response:
    config = config_of(request)
    nonce = request.cookies.get(PRE_COOKIE) or new_nonce()
    response = request.app.state.templates.TemplateResponse(request, "login.html", {
        "csrf": login_csrf(config.secret_key, nonce), "next": _safe_next(next), "error": error})
    response.set_cookie(PRE_COOKIE, nonce, httponly=True, samesite="strict", secure=config.secure_cookies,
                        max_age=3600)
    return response


@router.post("/login", tags=["public"])
def login(request: Request, name: Annotated[str, Form(max_length=80)], password: Annotated[str, Form(max_length=512)],
          csrf: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/desk") -> Response:
    config = config_of(request)
    nonce = request.cookies.get(PRE_COOKIE, "")
    if not nonce or not hmac.compare_digest(csrf, login_csrf(config.secret_key, nonce)):
        return problem(request, 403, "the sign-in form expired or did not come from this site: reload it")
    limiter = request.app.state.limiter
    keys = (f"name:{name.lower()}", f"addr:{request.client.host if request.client else '?'}")
    wait = limiter.retry_after(*keys)
    if wait:
        return problem(request, 429, f"too many failed sign-ins: try again in {wait} s",
                       headers={"Retry-After": str(wait)})
    with transaction(config.factory) as session:
        user = accounts.authenticate(session, name, password)
        if user is None:
            limiter.failed(*keys)
            token = None
        else:
            limiter.succeeded(keys[0])
            # a new session, whatever cookie came in: a planted (fixated) token never becomes a signed-in one
            old = request.cookies.get(COOKIE)
            if old:
                accounts.end_session(session, old)
            token, _ = accounts.start_session(session, user, config.session_hours)
    if token is None:
        response = request.app.state.templates.TemplateResponse(request, "login.html", {
            "csrf": csrf, "next": _safe_next(next), "error": "wrong name or password"}, status_code=401)
        return response
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=config.secure_cookies,
                        max_age=int(config.session_hours * 3600), path="/")
    response.delete_cookie(PRE_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, who: Reviewer) -> Response:
    """Ends the session on the server (the old cookie opens nothing afterwards) and clears the cookie."""
    token = request.cookies.get(COOKIE)
    if token:
        with transaction(config_of(request).factory) as session:
            accounts.end_session(session, token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/api/me")
def me(who: Reviewer) -> dict[str, str]:
    return {"name": who.name, "role": who.role, "via": who.kind}
