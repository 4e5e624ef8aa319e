"""Bearer API keys: who is calling, and whether they are within their rate limit."""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.admin_auth import refuse_admin_key
from app.api.limiting import enforce_rate_limit
from app.api.presolve import PresolvableRoute
from app.errors import Unauthorized, UnsupportedMediaType
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
        await refuse_admin_key(request, credentials.credentials)
        raise Unauthorized(REVOKED, invalid=True)
    request.state.tenant_id = principal.tenant_id  # for the request's log line
    await enforce_rate_limit(request, principal.key_id)
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
    without this a caller with no key would learn about the body first. Only a request the
    route refuses for its body pays for the key check here; every other one is as before.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def authenticated_first(request: Request) -> Response:
            try:
                return await handler(request)
            except (RequestValidationError, UnsupportedMediaType) as error:
                if about_the_body(error):
                    await authenticate(request, await bearer(request))
                raise

        return authenticated_first
