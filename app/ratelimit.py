"""Rate limits: per API key, with IETF httpapi `RateLimit-Policy` / `RateLimit` headers, and for
failed authentications per client address.

Counters live in memory for the embedded single-process mode and in Redis when REDIS_URL is
set, so every replica behind a load balancer counts against the same budget. Windows move (the
`limits` moving-window strategy), so no burst at a window's edge gets twice the rate. Every
call to Redis is bounded by REDIS_TIMEOUT_SECONDS; when Redis does not answer the service goes
on without limits or answers 503 (RATE_LIMITS_WITHOUT_REDIS), and says so once a minute.
"""

import asyncio
import math
import time
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, TypeVar

from limits import RateLimitItem, RateLimitItemPerMinute, RateLimitItemPerSecond
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings
from app.errors import RateLimitsDown, Throttled

POLICY = "default"
RETRY_AFTER_FAILURE = 2.0
STATE_KEY = "rate_limit_headers"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    headers: dict[str, str]
    retry_after: int


class Counters:
    """The shared storage, every call bounded in time, with what happened to the last call."""

    def __init__(self, settings: Settings) -> None:
        self.shared = settings.redis_url is not None
        self._settings = settings
        self.limiter = self._connect()
        self._timeout = settings.redis_timeout_seconds
        self._fail_open = settings.rate_limits_without_redis == "open"
        self._log = Throttled(60.0)
        self._down_until = 0.0
        self._failed = False

    def _connect(self) -> MovingWindowRateLimiter:
        settings = self._settings
        if settings.redis_url is None:
            return MovingWindowRateLimiter(storage_from_string("async+memory://"))
        timeout = settings.redis_timeout_seconds
        storage = storage_from_string(
            f"async+{settings.redis_url}", connect_timeout=timeout, stream_timeout=timeout
        )
        return MovingWindowRateLimiter(storage)

    async def call(self, operation: Coroutine[Any, Any, T]) -> T | None:
        """The operation's result; None when the storage failed and the service fails open.

        After a failure the storage is left alone for RETRY_AFTER_FAILURE seconds, so that
        while Redis is down no request waits for its timeout, only the first.
        """
        if time.monotonic() < self._down_until:
            operation.close()
            self._without_storage()
            return None
        try:
            async with asyncio.timeout(self._timeout):
                result = await operation
            self._failed = False
            return result
        except Exception as error:  # whatever the client library raises: one outcome
            self._down_until = time.monotonic() + RETRY_AFTER_FAILURE
            if self._failed:
                # Calls cut off mid-way can leave the client's pool with connections that
                # never come back; the next try starts from a fresh one.
                self.limiter = self._connect()
            self._failed = True
            way = "requests go on without limits" if self._fail_open else "requests get 503"
            self._log.warning("rate-limit storage unavailable (%s); %s", type(error).__name__, way)
            self._without_storage()
            return None

    def _without_storage(self) -> None:
        """Go on without the storage, or refuse to (fail closed)."""
        if not self._fail_open:
            raise RateLimitsDown

    async def ping(self) -> bool:
        """Whether the storage answers now; with fail-closed, RateLimitsDown if it does not."""
        self._down_until = 0.0  # a probe always asks
        if await self.call(self.limiter.storage.check()):
            return True
        self._down_until = time.monotonic() + RETRY_AFTER_FAILURE
        self._without_storage()
        return False


class RateLimiter:
    def __init__(self, settings: Settings, counters: Counters) -> None:
        self.per_minute = settings.rate_limit_per_minute
        self.window = settings.rate_limit_window_seconds
        # The budget is a minute's, spread over the window (w=60 unless set otherwise).
        amount = max(1, math.ceil(self.per_minute * self.window / 60))
        self.amount = amount
        self._item = RateLimitItemPerSecond(amount, self.window)
        self._counters = counters

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    async def check(self, key_id: str) -> Verdict | None:
        if not self.enabled:
            return None
        limiter = self._counters.limiter
        allowed = await self._counters.call(limiter.hit(self._item, "gracious", key_id))
        if allowed is None:
            return None
        stats = await self._counters.call(limiter.get_window_stats(self._item, "gracious", key_id))
        if stats is None:
            return None
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Policy": f'"{POLICY}";q={self.amount};w={self.window}',
            "RateLimit": f'"{POLICY}";r={stats.remaining};t={reset}',
        }
        return Verdict(allowed=allowed, headers=headers, retry_after=reset)


class FailedAuthLimiter:
    """Failed authentications per client address, in a moving minute."""

    def __init__(self, settings: Settings, counters: Counters) -> None:
        self.per_minute = settings.auth_failures_per_minute
        self._item: RateLimitItem = RateLimitItemPerMinute(max(self.per_minute, 1))
        self._counters = counters

    async def blocked(self, address: str) -> int:
        """Seconds until this address may try again; 0 if it may now."""
        if self.per_minute <= 0:
            return 0
        limiter = self._counters.limiter
        allowed = await self._counters.call(limiter.test(self._item, "auth-failures", address))
        if allowed is None or allowed:
            return 0
        stats = await self._counters.call(
            limiter.get_window_stats(self._item, "auth-failures", address)
        )
        return 60 if stats is None else max(1, math.ceil(stats.reset_time - time.time()))

    async def failed(self, address: str) -> None:
        if self.per_minute > 0:
            await self._counters.call(
                self._counters.limiter.hit(self._item, "auth-failures", address)
            )


def client_address(scope: Scope) -> str:
    """The peer's address, or what a trusted proxy said it is (see FORWARDED_ALLOW_IPS)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


class RateLimitHeaders:
    """Adds the rate-limit headers a request earned to whatever response it gets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = scope.get("state", {}).get(STATE_KEY)
                if extra:
                    present = {name.lower() for name, _ in message.get("headers", [])}
                    message["headers"] = list(message.get("headers", [])) + [
                        (name.lower().encode(), value.encode())
                        for name, value in extra.items()
                        if name.lower().encode() not in present
                    ]
            await send(message)

        await self.app(scope, receive, send_with_headers)
