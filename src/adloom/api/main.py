"""The FastAPI app behind `adloom serve`: the review desk (HTML) and the REST API (JSON), routers included
explicitly. Every route states its role; ``create_app`` refuses to build if one outside the public sign-in
and health routes does not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.routing import BaseRoute

from adloom import __version__
from adloom.api import auth, dashboard, desk, rest, rest_review, rules
from adloom.api.config import ServeConfig
from adloom.api.jobs import Jobs
from adloom.api.problems import install
from adloom.api.security import PUBLIC, LoginLimiter, SecurityHeaders
from adloom.audit import DEFAULT_REDACTOR, AuditLog
from adloom.review.governing import Governors

__all__ = ["create_app", "route_roles"]

TEMPLATES = Path(str(resources.files("adloom") / "data" / "templates" / "desk"))


def _api_routes(routes: Iterable[BaseRoute]) -> Iterator[APIRoute]:
    """Every API route, also inside included routers (FastAPI keeps those as lazy wrappers)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def route_roles(app: FastAPI) -> dict[tuple[str, str], str]:
    """(method, path) -> the role its dependencies require ("public" for sign-in and health)."""
    out = {}
    for route in _api_routes(app.routes):
        roles = [getattr(dep.call, "adloom_role", None) for dep in route.dependant.dependencies]
        role = next((r for r in roles if r), "public" if route.path in PUBLIC else None)
        if role is None:
            raise RuntimeError(f"route {route.methods} {route.path} states no role: depend on Reviewer or Admin")
        for method in route.methods or ():
            out[(method, route.path)] = role
    return out


def _openapi_with_roles(app: FastAPI, roles: dict[tuple[str, str], str]) -> Any:
    """The generated schema with each operation's role as ``x-adloom-role``."""
    def openapi() -> dict[str, Any]:
        schema = FastAPI.openapi(app)          # generated once, then cached by FastAPI
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                operation["x-adloom-role"] = roles[(method.upper(), path)]
        return schema
    return openapi


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    app.state.governors.close()


def create_app(config: ServeConfig) -> FastAPI:
    app = FastAPI(title="adloom", version=__version__, docs_url=None, redoc_url=None, lifespan=_lifespan,
                  description="Review desk and REST API. Every route names its role in `x-adloom-role`.")
    app.state.config = config
    app.state.templates = Jinja2Templates(directory=TEMPLATES)
    app.state.templates.env.globals["version"] = __version__
    app.state.audit = AuditLog(config.factory, redact=DEFAULT_REDACTOR if config.audit_redact else None)
    app.state.governors = Governors(config.project_dir, config.project_dir / ".adloom" / "cache" / "embeddings")
    app.state.limiter = LoginLimiter(config.login_attempts)
    app.state.jobs = Jobs()
    app.state.queue_synced_at = float("-inf")
    app.state.filter_options = None
    app.state.queue_totals = {}
    for router in (auth.router, desk.router, dashboard.router, rules.router, rest.router, rest_review.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=TEMPLATES / "static"), name="static")
    app.add_middleware(SecurityHeaders, secure=config.secure_cookies)
    install(app)
    app.openapi = _openapi_with_roles(app, route_roles(app))  # type: ignore[method-assign]
    return app
