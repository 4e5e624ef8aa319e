"""The application factory: lifespan, middleware, routers, error handlers and offline docs."""

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.api import declines, meta
from app.api.openapi import install_openapi
from app.compose.environment import warm_up
from app.config import Settings, get_settings
from app.db import create_engine
from app.errors import ServerErrors, install_handlers
from app.limits import BodySizeLimit
from app.maintenance import maintain
from app.proxies import trusted_proxies
from app.ratelimit import Counters, FailedAuthLimiter, RateLimiter, RateLimitHeaders
from app.store.driver import open_driver
from app.store.keys import KnownKeys

# Swagger UI and ReDoc assets come from the fastapi-offline package, so the docs console works
# on a network with no CDN access.
DOCS_ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSETS_URL = "/docs-assets"

DESCRIPTION = (
    "Gracious composes ready-to-send decline messages for job candidates (email, phone "
    "script, LinkedIn note, follow-ups) that follow sound career advice, stores each decline, "
    "and keeps a searchable log. Errors are RFC 9457 problem+json."
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Only our own logger: uvicorn configures its loggers, and libraries keep their defaults.
    logging.getLogger("gracious").setLevel(settings.log_level.upper())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warm_up()
        app.state.settings = settings
        app.state.engine = create_engine(settings)
        app.state.driver = await open_driver(settings, app.state.engine)
        app.state.known_keys = KnownKeys()
        app.state.counters = Counters(settings)
        app.state.rate_limiter = RateLimiter(settings, app.state.counters)
        app.state.failed_auth = FailedAuthLimiter(settings, app.state.counters)
        stop_maintenance = asyncio.Event()
        maintenance = asyncio.create_task(maintain(app.state.engine, settings, stop_maintenance))
        # Everything alive now (modules, schemas, compiled templates, the pools) lives as long
        # as the process: taken out of the collector's sight, it is not walked again by every
        # full collection, which cost ~15% of the write path's time in a profile.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            gc.unfreeze()
            stop_maintenance.set()
            await maintenance
            await app.state.driver.close()
            await app.state.engine.dispose()

    app = FastAPI(
        title="Gracious",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # A redirect to the "right" path would name whatever host the client sent (an open
        # redirect); a path with a trailing slash is a plain 404 instead.
        redirect_slashes=False,
    )
    app.state.settings = settings
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimitHeaders)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        timeout=settings.body_timeout_seconds,
    )
    trusted = trusted_proxies(settings)
    if trusted:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    # Outermost: an error nothing else handled still gets a problem+json, logged without the
    # messages that may quote personal text.
    app.add_middleware(ServerErrors)
    install_handlers(app)
    for router in (declines.router, meta.router):
        app.include_router(router)
    # Which methods each path accepts, so a 405 can name all of them in its Allow header.
    app.state.route_methods = [
        (route.path_regex, route.methods)
        for router in (declines.router, meta.router)
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    _mount_docs(app)
    install_openapi(app)
    return app


def _mount_docs(app: FastAPI) -> None:
    app.mount(ASSETS_URL, StaticFiles(directory=DOCS_ASSETS), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_swagger_ui_html(
            openapi_url=f"{root}/openapi.json",
            title="Gracious API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True},
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return get_redoc_html(
            openapi_url=f"{root}/openapi.json",
            title="Gracious API",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )


app = create_app()
