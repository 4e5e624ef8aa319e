"""Bearer API keys: who is calling, and whether they are within their rate limit."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException

from app import keys
from app.api.admin_auth import refuse_admin_key
from app.api.presolve import PresolvableRoute
from app.errors import TooManyRequests, Unauthorized, UnsupportedMediaType
from app.ratelimit import STATE_KEY, FailedAuthLimiter, RateLimiter, client_address
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
    failures: FailedAuthLimiter = request.app.state.failed_auth
    address = client_address(request.scope)
    secret = credentials.credentials
    known_keys: KnownKeys = request.app.state.known_keys
    # A client that keeps guessing keys is stopped before its guesses reach the database;
    # a key this process has verified before is still looked up.
    if known_keys.get(keys.digest(secret)) is None and (wait := await failures.blocked(address)):
        raise TooManyRequests(
            f"Too many failed authentications from this address; retry in {wait} seconds.",
            headers={"Retry-After": str(wait)},
        )
    principal = await key_store.authenticate(request.app.state.driver, secret, known)
    if principal is None:
        await refuse_admin_key(request, secret)  # an admin key here is a 403, not a guess
        await failures.failed(address)
        raise Unauthorized(REVOKED, invalid=True)
    request.state.tenant_id = principal.tenant_id  # for the request's log line
    if known is None:
        known_keys.add(keys.digest(secret), principal)
    limiter: RateLimiter = request.app.state.rate_limiter
    verdict = await limiter.check(principal.key_id)
    if verdict is not None:
        request.state.__setattr__(STATE_KEY, verdict.headers)
        if not verdict.allowed:
            if (
                known is not None
                and await key_store.authenticate(request.app.state.driver, secret) is None
            ):
                # The hint said "live"; a key revoked since then gets no answer but 401.
                known.forget(principal)
                raise Unauthorized(REVOKED, invalid=True)
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
    """The caller of a write that re-checks the key in its own statement and answers nothing
    before that statement (see KnownKeys): the common create, never a replay."""
    return await _principal(request, credentials, request.app.state.known_keys)


def revoked(request: Request, principal: Principal) -> Unauthorized:
    """The error for a write refused because its key was revoked after it was looked up."""
    known: KnownKeys = request.app.state.known_keys
    known.forget(principal)
    return Unauthorized(REVOKED, invalid=True)


PrincipalDep = Annotated[Principal, Depends(authenticate)]
WriterDep = Annotated[Principal, Depends(authenticate_writer)]


def about_the_body(error: Exception) -> bool:
    """Whether FastAPI refused the body before solving the route's dependencies (auth among
    them): a Content-Type that is not JSON, or a body that does not parse as JSON."""
    if isinstance(error, UnsupportedMediaType):
        return True
    return isinstance(error, RequestValidationError) and any(
        item.get("type") == "json_invalid" for item in error.errors()
    )


class AuthenticatedRoute(PresolvableRoute):
    """A route every caller must authenticate for, whose errors come in one order: who you
    are (401, 429) before what you sent (415, 422), whatever is wrong with the body.

    FastAPI checks the content type and parses the body before it solves dependencies, so
    without this a caller with no key would learn about the body first. Every refusal of the
    request itself (415, 422, and the 400 FastAPI raises for a body it cannot parse at all:
    not UTF-8, too deep, an integer too long) is preceded by the key check, whether or not
    FastAPI had solved it; only such a request pays for a second look-up.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def authenticated_first(request: Request) -> Response:
            try:
                return await handler(request)
            except (RequestValidationError, UnsupportedMediaType):
                await authenticate(request, await bearer(request))
                raise
            except StarletteHTTPException as error:
                if error.status_code == 400:
                    await authenticate(request, await bearer(request))
                raise

        return authenticated_first
