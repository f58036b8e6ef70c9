"""Build the ASGI application: pages, API, static files, guards and error handling."""

from __future__ import annotations

import gc
import json
import logging
import os

import anyio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from storytrace.errors import ConfigError, InputError, NotFound, StorytraceError
from storytrace.server import api, pages
from storytrace.server.access import IndexAccess, WritesDisabled
from storytrace.server.config import ServerConfig
from storytrace.server.render import ServerLinks, render
from storytrace.server.security import GuardMiddleware

log = logging.getLogger("storytrace.server")
STATIC = Path(__file__).parent / "static"


def _status_for(exc: Exception) -> int:
    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, WritesDisabled):
        return 403
    if isinstance(exc, (ConfigError, InputError, StorytraceError)):
        return 400
    return 500


def _message(exc: Exception) -> str:
    # KeyError's str() adds quotes; NotFound derives from it, so take the raw argument.
    if isinstance(exc, KeyError) and exc.args:
        return str(exc.args[0])
    return str(exc) or exc.__class__.__name__


def _error(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """JSON for the API, an HTML page for everything else; the message is escaped by the template."""
    if request.url.path.startswith("/api/") or "text/html" not in request.headers.get("accept", ""):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else ""
    html = render("error.html", links=ServerLinks(), status=status, reason=reason, message=message)
    return HTMLResponse(html, status_code=status, headers=headers)


# Collection thresholds for a serving process (Python's defaults: 700, 10, 10).
GC_THRESHOLDS = (50_000, 50, 100)


def tune_gc() -> None:
    """Make the cyclic garbage collector rare in a serving process. A query allocates tens of thousands of
    short-lived containers, which reference counting frees, while the caches behind matching (tokens,
    stems, stored vectors) hold hundreds of thousands of long-lived ones. With the default thresholds a
    full collection walks all of them every hundred queries or so, about 90 ms each on a 10,000-article
    index: most of the slowest queries' time. What is alive once the server has started is frozen out of
    collection, and collections run far less often."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def create_app(config: ServerConfig, access: IndexAccess | None = None) -> FastAPI:
    """The application over ``config.db``; ``access`` may be passed in by tests that already built one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if getattr(app.state, "access", None) is None:
            app.state.access = IndexAccess(config.db, writable=config.writable)
        tune_gc()
        try:
            yield
        finally:
            app.state.access.close()

    app = FastAPI(
        title="storytrace",
        summary="Find the same news story across many articles.",
        version="1",
        docs_url=None,  # Swagger UI would load scripts from a CDN; the schema is at /api/openapi.json
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.access = access
    app.state.cpu_limiter = anyio.CapacityLimiter(config.cpu_workers)

    @app.exception_handler(StorytraceError)
    async def storytrace_error(request: Request, exc: StorytraceError) -> Response:
        return _error(request, _status_for(exc), _message(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if request.url.path.startswith("/api/"):
            # Drop the echoed input: it may be a megabyte of hostile text.
            errors = [{k: v for k, v in e.items() if k not in ("input", "ctx", "url")} for e in exc.errors()]
            return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)
        problems = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg')}" for e in exc.errors())
        return _error(request, 400, problems or "invalid request")

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s", request.url.path)
        return _error(request, 500, "internal error (see the server log)")

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


def build(config: ServerConfig, access: IndexAccess | None = None) -> GuardMiddleware:
    """The application wrapped in the request guards: what uvicorn serves."""
    return GuardMiddleware(create_app(config, access), max_body=config.max_body, extra_origins=config.extra_origins)


CONFIG_ENV = "STORYTRACE_SERVER_CONFIG"


def app_from_env() -> GuardMiddleware:
    """Factory for ``uvicorn --workers``: each worker process rebuilds the app from the parent's settings.

    Only read-only servers run several workers (one writer per index), so no token travels this way.
    """
    raw = json.loads(os.environ[CONFIG_ENV])
    config = ServerConfig(
        db=Path(raw["db"]),
        host=raw["host"],
        port=int(raw["port"]),
        max_body=int(raw["max_body"]),
        extra_origins=tuple(raw.get("extra_origins", ())),
    )
    return build(config)
