"""Webhook endpoints: create (the secret is shown once), list, read, change, remove, rotate
the secret, and every delivery attempt."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app import ssrf
from app.api import examples
from app.api.auth import AuthenticatedRoute, PrincipalDep
from app.api.deps import ClockDep, EngineDep, require_json
from app.api.responses import cursor_checked, json_response
from app.config import Settings
from app.errors import InvalidInput, NotFound
from app.schemas_events import (
    Attempt,
    AttemptPage,
    Endpoint,
    EndpointChange,
    EndpointCreate,
    EndpointList,
    EndpointWithSecret,
)
from app.store import webhooks as repository

router = APIRouter(
    prefix="/v1/webhook-endpoints",
    tags=["webhooks"],
    responses=examples.AUTH_ERRORS,
    route_class=AuthenticatedRoute,
)
NOT_FOUND = "No webhook endpoint has this id."
ONE: examples.Responses = {
    **examples.not_found(NOT_FOUND),
    **examples.UNAVAILABLE,
}
WRITE: examples.Responses = {
    **examples.BODY_ERRORS,
    **examples.invalid(
        ["body", "events"], "List should have at least 1 item after validation, not 0"
    ),
    **examples.UNAVAILABLE,
}


def _public(endpoint: repository.Endpoint) -> Endpoint:
    return Endpoint(
        id=endpoint.id,
        url=endpoint.url,
        events=endpoint.events,
        description=endpoint.description,
        enabled=endpoint.enabled,
        disabled_reason=endpoint.disabled_reason,
        created_at=endpoint.created_at,
        updated_at=endpoint.updated_at,
    )


async def _checked_url(request: Request, url: str) -> str:
    settings: Settings = request.app.state.settings
    problem = await ssrf.check_url(url, allow_private=settings.webhook_allow_private_networks)
    if problem is not None:
        raise InvalidInput(f"Invalid url: {problem}", loc=["body", "url"])
    return url


@router.post(
    "",
    status_code=201,
    response_model=EndpointWithSecret,
    operation_id="createWebhookEndpoint",
    dependencies=[Depends(require_json)],
    responses=WRITE,
)
async def create_endpoint(
    body: EndpointCreate,
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
    clock: ClockDep,
    response: Response,
) -> EndpointWithSecret:
    """Add an endpoint; its signing secret is in this response and never again."""
    url = await _checked_url(request, body.url)
    endpoint, secret = await repository.create(
        engine,
        tenant_id=principal.tenant_id,
        url=url,
        events=[str(event) for event in body.events],
        description=body.description,
        now=clock(),
    )
    response.headers["Location"] = f"/v1/webhook-endpoints/{endpoint.id}"
    return EndpointWithSecret(**_public(endpoint).model_dump(), secret=secret)


@router.get(
    "",
    response_model=EndpointList,
    operation_id="listWebhookEndpoints",
    responses=examples.UNAVAILABLE,
)
async def list_endpoints(engine: EngineDep, principal: PrincipalDep) -> EndpointList:
    """The tenant's endpoints, oldest first."""
    found = await repository.list_all(engine, tenant_id=principal.tenant_id)
    return EndpointList(items=[_public(endpoint) for endpoint in found])


@router.get(
    "/{endpoint_id}", response_model=Endpoint, operation_id="getWebhookEndpoint", responses=ONE
)
async def get_endpoint(endpoint_id: str, engine: EngineDep, principal: PrincipalDep) -> Endpoint:
    """One endpoint (never its secret)."""
    found = await repository.get(engine, tenant_id=principal.tenant_id, endpoint_id=endpoint_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return _public(found)


@router.patch(
    "/{endpoint_id}",
    response_model=Endpoint,
    operation_id="updateWebhookEndpoint",
    dependencies=[Depends(require_json)],
    # Not an empty `events`: a PATCH field is a union with None, whose members show in its loc.
    responses={
        **ONE,
        **WRITE,
        **examples.invalid(["body", "colour"], "Extra inputs are not permitted"),
    },
)
async def update_endpoint(
    endpoint_id: str,
    body: EndpointChange,
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
    clock: ClockDep,
) -> Endpoint:
    """Change its `url`, `events`, `description`, or turn it off and on (`enabled`)."""
    changes = body.model_dump(exclude_unset=True)
    for name in ("url", "events", "enabled"):
        if name in changes and changes[name] is None:
            raise InvalidInput(f"Invalid {name}: may not be null", loc=["body", name])
    if "url" in changes:
        await _checked_url(request, changes["url"])
    if "events" in changes:
        changes["events"] = [str(event) for event in changes["events"]]
    found = await repository.change(
        engine,
        tenant_id=principal.tenant_id,
        endpoint_id=endpoint_id,
        changes=changes,
        now=clock(),
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return _public(found)


@router.delete(
    "/{endpoint_id}", status_code=204, operation_id="deleteWebhookEndpoint", responses=ONE
)
async def delete_endpoint(endpoint_id: str, engine: EngineDep, principal: PrincipalDep) -> Response:
    """Remove the endpoint; nothing more is sent to it."""
    if not await repository.remove(engine, tenant_id=principal.tenant_id, endpoint_id=endpoint_id):
        raise NotFound(NOT_FOUND)
    return Response(status_code=204)


@router.post(
    "/{endpoint_id}/rotate-secret",
    response_model=EndpointWithSecret,
    operation_id="rotateWebhookSecret",
    responses=ONE,
)
async def rotate_secret(
    endpoint_id: str, engine: EngineDep, principal: PrincipalDep, clock: ClockDep
) -> EndpointWithSecret:
    """A new secret, shown once; the old one keeps signing beside it for 24 hours."""
    rotated = await repository.rotate(
        engine, tenant_id=principal.tenant_id, endpoint_id=endpoint_id, now=clock()
    )
    if rotated is None:
        raise NotFound(NOT_FOUND)
    endpoint, secret = rotated
    return EndpointWithSecret(**_public(endpoint).model_dump(), secret=secret)


@router.get(
    "/{endpoint_id}/deliveries",
    response_model=AttemptPage,
    operation_id="listWebhookDeliveries",
    responses={**ONE, **examples.QUERY_VALIDATION},
)
async def list_deliveries(
    endpoint_id: str,
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200, description="From next_cursor")] = None,
) -> Response:
    """Every attempt to deliver to this endpoint, newest first."""
    with cursor_checked():
        found = await repository.attempts(
            engine,
            tenant_id=principal.tenant_id,
            endpoint_id=endpoint_id,
            limit=limit,
            cursor=cursor,
        )
    if found is None:
        raise NotFound(NOT_FOUND)
    page = AttemptPage(
        items=[
            Attempt(
                event_id=item.event_id,
                event_type=item.event_type,
                attempt=item.attempt,
                attempted_at=item.attempted_at,
                response_status=item.response_status,
                error=item.error,
                duration_ms=item.duration_ms,
            )
            for item in found.items
        ],
        next_cursor=found.next_cursor,
    )
    headers: dict[str, str] = {}
    if found.next_cursor:
        next_url = request.url.include_query_params(cursor=found.next_cursor)
        headers["Link"] = f'<{next_url.path}?{next_url.query}>; rel="next"'
    return json_response(page.model_dump_json(), headers=headers)
