"""Admin keys (`gr_admin_…`): they reach the tenant and key admin endpoints and nothing else.

Tenant keys get 403 on the admin endpoints, admin keys get 403 everywhere else. An admin key
is looked up on every request (none is remembered), so a revocation holds at once everywhere.
"""

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.limiting import enforce_rate_limit
from app.errors import Forbidden, Unauthorized
from app.store import keys as key_store
from app.store import tenants as tenant_store

admin_bearer = HTTPBearer(
    auto_error=False,
    scheme_name="AdminKey",
    description="An admin key, `gr_admin_...`, made with `gracious keys create --admin`.",
)
AdminCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(admin_bearer)]
ADMIN_ONLY = "This endpoint needs an admin key (gr_admin_...); tenant keys cannot manage tenants."
NOT_FOR_ADMIN = "Admin keys manage tenants and keys only; use one of the tenant's keys here."
INVALID = "This API key is not valid or has been revoked."


async def refuse_admin_key(request: Request, secret: str) -> None:
    """403 if `secret` is a live admin key: it is known, just not allowed here."""
    if await tenant_store.authenticate_admin(request.app.state.engine, secret) is not None:
        raise Forbidden(NOT_FOR_ADMIN)


async def authenticate_admin(request: Request, credentials: AdminCredentials) -> str:
    """The admin key's id; 403 for a live tenant key, 401 for anything else."""
    if credentials is None:
        raise Unauthorized("Send your admin key in the header Authorization: Bearer <key>.")
    secret = credentials.credentials
    admin_id = await tenant_store.authenticate_admin(request.app.state.engine, secret)
    if admin_id is None:
        if await key_store.authenticate(request.app.state.driver, secret) is not None:
            raise Forbidden(ADMIN_ONLY)
        raise Unauthorized(INVALID, invalid=True)
    await enforce_rate_limit(request, admin_id)
    return admin_id


AdminDep = Annotated[str, Depends(authenticate_admin)]
