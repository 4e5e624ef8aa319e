"""The outermost layer of every HTTP exchange: request id, HEAD, metrics and the log line.

Pure ASGI (no BaseHTTPMiddleware): it runs on every request, the write path included, and
costs a header scan, two clock readings, a cached metrics child and one log record.
"""

import logging
import os
import re
import time
from contextvars import ContextVar
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app import metrics

logger = logging.getLogger("gracious.access")

HEADER = b"x-request-id"
# Up to 128 visible ASCII characters (the contract); anything else is replaced, not trusted.
_ACCEPTED = re.compile(rb"[\x21-\x7e]{1,128}")
_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# The label for a path no route serves: one series for all of them, whatever was asked.
UNMATCHED = "unmatched"


def current_request_id() -> str | None:
    """The id of the request being handled in this context (None outside one)."""
    return _request_id.get()


def new_request_id() -> str:
    return os.urandom(16).hex()


def _accepted_id(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == HEADER:
            return value.decode("ascii") if _ACCEPTED.fullmatch(value) else None
    return None


def route_template(scope: Scope) -> str:
    """The template of the route that served `scope` (after routing), e.g. /v1/declines/{id}."""
    route = scope.get("route")
    if route is not None:
        path: str = route.path
        return path
    if "app_root_path" in scope:  # a Mount: the docs' static assets
        mount: str = scope["root_path"][len(scope["app_root_path"]) :]
        return mount + "/{path}"
    return UNMATCHED


class _Children:
    """Labelled metric children by (method, route, status): labels() takes a lock and builds
    a key each call; a dict look-up of our own is cheaper on every request."""

    def __init__(self) -> None:
        self._by_labels: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        key = (method, route, status)
        children = self._by_labels.get(key)
        if children is None:
            labels = (method, route, str(status))
            children = (
                metrics.HTTP_REQUESTS.labels(*labels),
                metrics.HTTP_DURATION.labels(*labels),
            )
            self._by_labels[key] = children
        children[0].inc()
        children[1].observe(seconds)


class RequestObserver:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._children = _Children()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = _accepted_id(scope["headers"]) or new_request_id()
        token = _request_id.set(request_id)
        method: str = scope["method"]
        head = method == "HEAD"
        # The app sees its own copy: a HEAD is served as the GET it mirrors (the body is
        # dropped below), while the server keeps the original scope and knows not to expect one.
        inner: Scope = {**scope, "state": scope.get("state", {})}
        if head:
            inner["method"] = "GET"
        status = 500  # what the client gets if the app fails before it answers
        id_header = (b"x-request-id", request_id.encode("ascii"))

        async def observed_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), id_header]
            elif head and message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        try:
            await self.app(inner, receive, observed_send)
        finally:
            seconds = time.perf_counter() - started
            route = route_template(inner)
            self._children.observe(method, route, status, seconds)
            logger.info(
                "request",
                extra={
                    "request_id": request_id,
                    "tenant_id": inner["state"].get("tenant_id", "-"),
                    "method": method,
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                },
            )
            _request_id.reset(token)
