"""The per-key rate limit every authenticated request passes (tenant and admin keys alike)."""

from fastapi import Request

from app.errors import TooManyRequests
from app.ratelimit import STATE_KEY, RateLimiter


async def enforce_rate_limit(request: Request, key_id: str) -> None:
    """429 when the key has made its requests for this minute; the headers say where it is."""
    limiter: RateLimiter = request.app.state.rate_limiter
    verdict = await limiter.check(key_id)
    if verdict is not None:
        request.state.__setattr__(STATE_KEY, verdict.headers)
        if not verdict.allowed:
            raise TooManyRequests(
                f"This API key may make {limiter.per_minute} requests a minute; "
                f"retry in {verdict.retry_after} seconds.",
                headers={"Retry-After": str(verdict.retry_after)},
            )
