"""Errors as RFC 9457 problem+json for the API, and as a small HTML page (or a sign-in redirect) for the desk.

The one place adloom errors become HTTP statuses.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from adloom.api.security import Forbidden, NotAuthenticated
from adloom.errors import AdloomError, Conflict, InputError, NotFound, PolicyViolation, StoreError
from adloom.errors import Forbidden as ForbiddenError

__all__ = ["install", "problem"]

TITLES = {400: "Bad request", 401: "Sign-in required", 403: "Forbidden", 404: "Not found", 409: "Conflict",
          422: "Unprocessable content", 429: "Too many requests", 500: "Internal error", 503: "Unavailable"}


def status_for(exc: AdloomError) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, Conflict):
        return 409
    if isinstance(exc, ForbiddenError):
        return 403
    if isinstance(exc, InputError | PolicyViolation):
        return 422
    if isinstance(exc, StoreError):
        return 503
    return 500


def wants_html(request: Request) -> bool:
    return (not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")
            and request.headers.get("x-requested-with") != "fetch")


def problem(request: Request, status: int, detail: str, *, extra: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> Response:
    if wants_html(request):
        templates = request.app.state.templates
        return templates.TemplateResponse(request, "error.html", {"status": status, "title": TITLES.get(status, ""),
                                                                  "detail": detail}, status_code=status,
                                          headers=headers)
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail,
            "instance": request.url.path, **(extra or {})}
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(NotAuthenticated)
    async def _unauthenticated(request: Request, exc: NotAuthenticated) -> Response:
        if request.method == "GET" and wants_html(request):
            return RedirectResponse(f"/login?next={quote(request.url.path, safe='/')}", status_code=303)
        return problem(request, 401, "sign in, or send a bearer token", headers={"WWW-Authenticate": "Bearer"})

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return problem(request, 403, exc.detail)

    @app.exception_handler(AdloomError)
    async def _adloom(request: Request, exc: AdloomError) -> Response:
        extra: dict[str, Any] = {"field": exc.field} if exc.field else {}
        findings = getattr(exc, "findings", None)
        if findings:
            extra["findings"] = [f.model_dump(mode="json") for f in findings]
        return problem(request, status_for(exc), exc.message, extra=extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return problem(request, 422, f"{where}: {first.get('msg', 'invalid')}", extra={"field": where})

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        return problem(request, exc.status_code, str(exc.detail), headers=getattr(exc, "headers", None))
