"""`gracious serve`: uvicorn, configured from Settings, with the limits a hostile client meets.

uvicorn bounds an idle keep-alive connection but not one that sends its headers slowly, so the
HTTP protocol here gives every request HEADER_TIMEOUT_SECONDS to finish its headers (the body
is bounded in app.limits). MAX_CONNECTIONS caps connections per process (beyond it, 503).
There is no access log (it would print query strings, which carry personal text) and no
trust in forwarded headers but what FORWARDED_ALLOW_IPS grants (see app.main).
"""

import asyncio
import json

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.config import Settings

# Long enough for in-flight requests to finish on SIGTERM, short of a typical orchestrator's
# kill deadline (30 s).
GRACEFUL_SHUTDOWN_SECONDS = 20


def _timeout_response(seconds: float) -> bytes:
    body = json.dumps(
        {
            "type": "about:blank",
            "title": "Request Timeout",
            "status": 408,
            "detail": f"The request's headers did not arrive within {seconds:g} seconds.",
            "code": "request_timeout",
        }
    ).encode()
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\n"
        f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


def bounded_protocol(header_timeout: float) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol, closing a connection whose headers are too slow."""
    timeout_response = _timeout_response(header_timeout)

    class HeaderTimeoutProtocol(HttpToolsProtocol):
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_headers_complete(self) -> None:
            self._disarm()
            super().on_headers_complete()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing() and (
                self.cycle is None or self.cycle.response_complete
            ):
                self._arm()  # the next request's headers are due in time too

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(header_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _too_slow(self) -> None:
            self._header_timer = None
            waiting = self.cycle is None or self.cycle.response_complete
            if waiting and not self.transport.is_closing():
                self.transport.write(timeout_response)
                self.transport.close()

    return HeaderTimeoutProtocol


def config(settings: Settings) -> uvicorn.Config:
    return uvicorn.Config(
        "app.main:app",
        host=settings.host,
        port=settings.port,
        http=bounded_protocol(settings.header_timeout_seconds),
        limit_concurrency=settings.max_connections,
        timeout_keep_alive=settings.keep_alive_seconds,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
        access_log=False,
        server_header=False,
        proxy_headers=False,
        log_level=settings.log_level.lower(),
    )


def serve(settings: Settings) -> None:
    uvicorn.Server(config(settings)).run()
