"""Per-key rate limits with IETF httpapi `RateLimit-Policy` / `RateLimit` headers.

Counters live in memory for the embedded single-process mode and in Redis when REDIS_URL is
set, so every replica behind a load balancer counts against the same budget.
"""

import logging
import math
import time
from dataclasses import dataclass

from limits import RateLimitItemPerMinute
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.config import Settings

logger = logging.getLogger("gracious")
POLICY = "default"
STATE_KEY = "rate_limit_headers"


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    headers: dict[str, str]
    retry_after: int


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self.per_minute = settings.rate_limit_per_minute
        uri = f"async+{settings.redis_url}" if settings.redis_url else "async+memory://"
        self._item = RateLimitItemPerMinute(max(self.per_minute, 1))
        self._limiter = FixedWindowRateLimiter(storage_from_string(uri))

    @property
    def enabled(self) -> bool:
        return self.per_minute > 0

    async def check(self, key_id: str) -> Verdict | None:
        if not self.enabled:
            return None
        try:
            allowed = await self._limiter.hit(self._item, "gracious", key_id)
            stats = await self._limiter.get_window_stats(self._item, "gracious", key_id)
        except Exception:
            logger.warning("rate limit storage unavailable; request let through", exc_info=True)
            return None
        reset = max(1, math.ceil(stats.reset_time - time.time()))
        headers = {
            "RateLimit-Policy": f'"{POLICY}";q={self.per_minute};w=60',
            "RateLimit": f'"{POLICY}";r={stats.remaining};t={reset}',
        }
        return Verdict(allowed=allowed, headers=headers, retry_after=reset)


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
