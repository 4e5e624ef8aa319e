"""The application factory: lifespan, middleware, routers, error handlers and offline docs."""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app import logs
from app.api import (
    batches,
    closeouts,
    declines,
    events,
    export,
    follow_ups,
    meta,
    tenants,
    webhooks,
)
from app.api import metrics as metrics_api
from app.api.deps import Clock, utc_now
from app.api.docs import mount_docs
from app.api.openapi import install_openapi
from app.compose.environment import warm_up
from app.compression import GzipWhenAsked
from app.config import Settings, get_settings
from app.db import create_engine, is_sqlite
from app.errors import ServerErrors, install_handlers
from app.limits import BodySizeLimit
from app.maintenance import checkpoint, maintain
from app.observe import RequestObserver
from app.proxies import trusted_proxies
from app.ratelimit import Counters, FailedAuthLimiter, RateLimiter, RateLimitHeaders
from app.store.driver import open_driver
from app.store.keys import KnownKeys
from app.store.transaction import sqlite_write_lock
from app.worker import serve as serve_worker

DESCRIPTION = (
    "Gracious composes ready-to-send decline messages for job candidates (email, phone "
    "script, LinkedIn note, follow-ups) that follow sound career advice, stores each decline, "
    "and keeps a searchable log. Errors are RFC 9457 problem+json."
)
# Headers a browser script may read from a cross-origin response.
EXPOSED_HEADERS = [
    "Location",
    "Link",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
    "Idempotent-Replayed",
    "X-Request-Id",
]

# Fixed paths before the templates that would also match them (/v1/declines/{decline_id}).
ROUTERS = (
    export.router,
    declines.router,
    batches.router,
    closeouts.router,
    tenants.router,
    follow_ups.router,
    webhooks.router,
    events.router,
    meta.router,
)
BULK_PATHS = frozenset({"/v1/declines/batch", "/v1/closeouts"})
# The collector's thresholds while serving (young, middle, old): see the lifespan.
GC_THRESHOLDS = (50_000, 20, 100)


class Gracious(FastAPI):
    def build_middleware_stack(self) -> ASGIApp:
        # Outside Starlette's ServerErrorMiddleware, so that a 500 too carries X-Request-Id,
        # is counted and gets its log line.
        return RequestObserver(super().build_middleware_stack())


def create_app(settings: Settings | None = None, *, clock: Clock = utc_now) -> FastAPI:
    """The application; `clock` is where every route reads the time (tests pin it)."""
    settings = settings or get_settings()
    # Only our own logger: uvicorn configures its loggers, and libraries keep their defaults.
    logs.configure(settings.log_level, settings.log_format)

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
        checkpoints = None
        if is_sqlite(settings.database_url):
            writers = sqlite_write_lock(app.state.engine)
            checkpoints = asyncio.create_task(checkpoint(settings, writers, stop_maintenance))
        # Everything alive now (modules, schemas, compiled templates, the pools) lives as long
        # as the process: taken out of the collector's sight, it is not walked again by every
        # full collection, which cost ~15% of the write path's time in a profile.
        gc.collect()
        gc.freeze()
        # A closeout holds thousands of young objects while it composes, and the default
        # thresholds (700, 10, 10) collect them young every ~700 allocations, so those alive
        # at the time climb into the old generation and trigger a full collection every few
        # seconds: 15-20 ms each on SQLite's closeout runs, inside 7 of a run's 16 slowest
        # closeouts (docs/performance.md). Young collections are cheap per object, so
        # they run less often and most of a request's objects are freed by reference count
        # before any collection sees them: full collections fell from 11-12 to 1 a run.
        thresholds = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLDS)
        embedded = settings.worker_embedded
        if embedded is None:
            embedded = is_sqlite(settings.database_url)
        stop_worker = asyncio.Event()
        worker = None
        if embedded:
            # One process does everything: the worker sends from here (SQLite has one writer).
            worker = asyncio.create_task(
                serve_worker(app.state.engine, settings, clock, stop_worker)
            )
        try:
            yield
        finally:
            stop_worker.set()
            if worker is not None:
                await worker
            gc.set_threshold(*thresholds)
            gc.unfreeze()
            stop_maintenance.set()
            await maintenance
            if checkpoints is not None:
                await checkpoints
            await app.state.driver.close()
            await app.state.engine.dispose()

    app = Gracious(
        title="Gracious",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        # A redirect to the "right" path would name whatever host the client sent (an open
        # redirect); a path with a trailing slash is a plain 404 instead.
        redirect_slashes=False,
        # The service reports through its own metrics and log line (app.observe), not
        # OpenTelemetry. Left on, FastAPI asks OpenTelemetry on every request whether a
        # provider is configured (an environment look-up each time): 3-4% of the write path.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.clock = clock
    if settings.rate_limit_per_minute > 0:
        app.add_middleware(RateLimitHeaders)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=settings.max_body_bytes,
        timeout=settings.body_timeout_seconds,
        bulk_paths=BULK_PATHS,
        max_bulk_bytes=settings.max_bulk_body_bytes,
    )
    app.add_middleware(GzipWhenAsked)
    trusted = trusted_proxies(settings)
    if trusted:
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=trusted)
    if settings.cors_origin_list:
        # Outside the limits: refusals (413, 429) carry the CORS headers too.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origin_list,
            allow_methods=["GET", "HEAD", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-Id"],
            expose_headers=EXPOSED_HEADERS,
            max_age=600,
        )
    # Outermost of ours: an error nothing else handled still gets a problem+json, logged
    # without the messages that may quote personal text.
    app.add_middleware(ServerErrors)
    install_handlers(app)
    routers = [*ROUTERS, *([metrics_api.router] if settings.metrics_enabled else [])]
    for router in routers:
        app.include_router(router)
    # Which methods each path accepts, so a 405 can name all of them in its Allow header
    # (HEAD wherever GET: RequestObserver serves a HEAD as its GET without the body).
    app.state.route_methods = [
        (route.path_regex, _with_head(route.methods or set()))
        for router in routers
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    mount_docs(app)
    install_openapi(app)
    return app


def _with_head(methods: set[str]) -> set[str]:
    return methods | {"HEAD"} if "GET" in methods else methods


app = create_app()
