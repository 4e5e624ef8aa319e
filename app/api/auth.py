"""Bearer API keys: who is calling, and whether they are within their rate limit."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import EngineDep
from app.errors import TooManyRequests, Unauthorized
from app.ratelimit import STATE_KEY, RateLimiter
from app.store import keys as key_store
from app.store.keys import Principal

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="Your API key, e.g. `gr_live_...`, sent as `Authorization: Bearer <key>`.",
)


async def authenticate(
    request: Request,
    engine: EngineDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("Send your API key in the header Authorization: Bearer <key>.")
    principal = await key_store.authenticate(engine, credentials.credentials)
    if principal is None:
        raise Unauthorized("This API key is not valid or has been revoked.", invalid=True)
    limiter: RateLimiter = request.app.state.rate_limiter
    verdict = await limiter.check(principal.key_id)
    if verdict is not None:
        request.state.__setattr__(STATE_KEY, verdict.headers)
        if not verdict.allowed:
            raise TooManyRequests(
                f"This API key may make {limiter.per_minute} requests a minute; "
                f"retry in {verdict.retry_after} seconds.",
                headers={"Retry-After": str(verdict.retry_after)},
            )
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]
