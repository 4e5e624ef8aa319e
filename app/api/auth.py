"""Bearer API keys: who is calling, and whether they are within their rate limit."""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.errors import TooManyRequests, Unauthorized
from app.ratelimit import STATE_KEY, RateLimiter
from app.store import keys as key_store
from app.store.keys import KnownKeys, Principal

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="Your API key, e.g. `gr_live_...`, sent as `Authorization: Bearer <key>`.",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
REVOKED = "This API key is not valid or has been revoked."


async def _principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None, known: KnownKeys | None
) -> Principal:
    if credentials is None:
        raise Unauthorized("Send your API key in the header Authorization: Bearer <key>.")
    principal = await key_store.authenticate(
        request.app.state.driver, credentials.credentials, known
    )
    if principal is None:
        raise Unauthorized(REVOKED, invalid=True)
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


async def authenticate(request: Request, credentials: Credentials) -> Principal:
    """The caller, with the key looked up now."""
    return await _principal(request, credentials, None)


async def authenticate_writer(request: Request, credentials: Credentials) -> Principal:
    """The caller of a route whose write re-checks the key itself (see KnownKeys)."""
    return await _principal(request, credentials, request.app.state.known_keys)


def revoked(request: Request, principal: Principal) -> Unauthorized:
    """The error for a write refused because its key was revoked after it was looked up."""
    known: KnownKeys = request.app.state.known_keys
    known.forget(principal)
    return Unauthorized(REVOKED, invalid=True)


PrincipalDep = Annotated[Principal, Depends(authenticate)]
WriterDep = Annotated[Principal, Depends(authenticate_writer)]
