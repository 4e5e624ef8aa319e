"""Events: what happened, as delivered to webhooks; and sending one again."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api import examples
from app.api.auth import AuthenticatedRoute, PrincipalDep
from app.api.deps import ClockDep, EngineDep
from app.api.responses import cursor_checked, json_response, paged
from app.errors import NotFound
from app.schemas_events import Event, EventPage, EventType, Redelivery
from app.store import events as repository

router = APIRouter(
    prefix="/v1/events",
    tags=["webhooks"],
    responses=examples.AUTH_ERRORS,
    route_class=AuthenticatedRoute,
)
NOT_FOUND = "No event has this id."
ONE: examples.Responses = {
    **examples.not_found(NOT_FOUND),
    **examples.UNAVAILABLE,
}


@router.get(
    "",
    response_model=EventPage,
    operation_id="listEvents",
    responses={**examples.QUERY_VALIDATION, **examples.UNAVAILABLE},
)
async def list_events(
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
    clock: ClockDep,
    type: EventType | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200, description="From next_cursor")] = None,
) -> Response:
    """The tenant's events of the last 30 days, newest first."""
    with cursor_checked():
        page = await repository.page(
            engine,
            tenant_id=principal.tenant_id,
            now=clock(),
            event_type=type.value if type else None,
            limit=limit,
            cursor=cursor,
        )
    return paged(request, page.bodies, page.next_cursor)


@router.get("/{event_id}", response_model=Event, operation_id="getEvent", responses=ONE)
async def get_event(event_id: str, engine: EngineDep, principal: PrincipalDep) -> Response:
    """One event, as its webhooks receive it."""
    found = await repository.get(engine, tenant_id=principal.tenant_id, event_id=event_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return json_response(found)


@router.post(
    "/{event_id}/redeliver",
    status_code=202,
    response_model=Redelivery,
    operation_id="redeliverEvent",
    responses=ONE,
)
async def redeliver_event(
    event_id: str, engine: EngineDep, principal: PrincipalDep, clock: ClockDep
) -> Redelivery:
    """Send it again to every enabled endpoint subscribed to its type."""
    queued = await repository.redeliver(
        engine, tenant_id=principal.tenant_id, event_id=event_id, now=clock()
    )
    if queued is None:
        raise NotFound(NOT_FOUND)
    return Redelivery(event_id=event_id, endpoints=queued)
