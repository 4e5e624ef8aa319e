"""Tenants and their keys, managed over HTTP with an admin key (`gr_admin_…`)."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from app.api import examples
from app.api.admin_auth import AdminDep, admin_bearer, authenticate_admin
from app.api.auth import about_the_body
from app.api.deps import EngineDep, require_json
from app.errors import Conflict, NotFound, UnsupportedMediaType
from app.schemas_scale import KeyList, KeyOut, NewKey, TenantCreate, TenantList, TenantOut
from app.store import tenants as tenant_store


class AdminRoute(APIRoute):
    """As AuthenticatedRoute, for admin keys: who you are (401, 403) before what you sent."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def authenticated_first(request: Request) -> Response:
            try:
                return await handler(request)
            except (RequestValidationError, UnsupportedMediaType) as error:
                if about_the_body(error):
                    await authenticate_admin(request, await admin_bearer(request))
                raise

        return authenticated_first


router = APIRouter(tags=["admin"], responses=examples.ADMIN_AUTH_ERRORS, route_class=AdminRoute)
NO_TENANT = "No tenant has this id."
NO_KEY = "No key has this id."


@router.post(
    "/v1/tenants",
    status_code=201,
    response_model=TenantOut,
    operation_id="createTenant",
    dependencies=[Depends(require_json)],
    responses={
        **examples.TENANT_CONFLICT,
        **examples.BODY_ERRORS,
        **examples.invalid(
            ["body", "name"], "Value should have at least 1 item after validation, not 0"
        ),
        **examples.UNAVAILABLE,
    },
)
async def create_tenant(body: TenantCreate, engine: EngineDep, _admin: AdminDep) -> TenantOut:
    """Create a tenant: a platform customer whose declines are kept apart from all others."""
    try:
        record = await tenant_store.create_tenant(engine, tenant_id=body.id, name=body.name)
    except tenant_store.TenantTaken:
        raise Conflict("A tenant with this id or name exists already.") from None
    return TenantOut(id=record.id, name=record.name, created_at=record.created_at)


@router.get(
    "/v1/tenants",
    response_model=TenantList,
    operation_id="listTenants",
    responses=examples.UNAVAILABLE,
)
async def list_tenants(engine: EngineDep, _admin: AdminDep) -> TenantList:
    """Every tenant, oldest first."""
    records = await tenant_store.list_tenants(engine)
    return TenantList(
        items=[TenantOut(id=r.id, name=r.name, created_at=r.created_at) for r in records]
    )


def _key_out(record: tenant_store.KeyRecord) -> KeyOut:
    return KeyOut(
        id=record.id,
        tenant_id=record.tenant_id,
        hint=record.hint,
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


@router.post(
    "/v1/tenants/{tenant_id}/keys",
    status_code=201,
    response_model=NewKey,
    operation_id="createTenantKey",
    responses={**examples.not_found(NO_TENANT), **examples.UNAVAILABLE},
)
async def create_tenant_key(tenant_id: str, engine: EngineDep, _admin: AdminDep) -> NewKey:
    """A new key for the tenant; its secret is in this response and nowhere else, ever."""
    made = await tenant_store.create_tenant_key(engine, tenant_id=tenant_id)
    if made is None:
        raise NotFound(NO_TENANT)
    record, secret = made
    return NewKey(**_key_out(record).model_dump(), secret=secret)


@router.get(
    "/v1/tenants/{tenant_id}/keys",
    response_model=KeyList,
    operation_id="listTenantKeys",
    responses={**examples.not_found(NO_TENANT), **examples.UNAVAILABLE},
)
async def list_tenant_keys(tenant_id: str, engine: EngineDep, _admin: AdminDep) -> KeyList:
    """The tenant's keys, revoked ones included; never their secrets."""
    records = await tenant_store.list_tenant_keys(engine, tenant_id=tenant_id)
    if records is None:
        raise NotFound(NO_TENANT)
    return KeyList(items=[_key_out(record) for record in records])


@router.delete(
    "/v1/keys/{key_id}",
    status_code=204,
    operation_id="revokeKey",
    responses={**examples.not_found(NO_KEY), **examples.UNAVAILABLE},
)
async def revoke_key(key_id: str, engine: EngineDep, _admin: AdminDep) -> Response:
    """Revoke a tenant key: from the moment this returns, no replica accepts it."""
    if not await tenant_store.revoke_tenant_key(engine, key_id=key_id):
        raise NotFound(NO_KEY)
    return Response(status_code=204)
