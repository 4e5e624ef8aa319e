"""Follow-ups as things to do: list, read, reschedule or mark, and compose again."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.api import examples
from app.api.auth import AuthenticatedRoute, PrincipalDep
from app.api.deps import ClockDep, EngineDep, require_json
from app.api.responses import cursor_checked, json_response, paged
from app.compose.decline import compose_fields
from app.errors import Conflict, InvalidInput, NotFound
from app.schemas import DeclineRequest, FollowUpKind, FollowUpStatus
from app.schemas_events import FollowUpChange, FollowUpPage, FollowUpRefresh, StoredFollowUp
from app.store import follow_ups as repository
from app.text import Rfc3339

router = APIRouter(
    prefix="/v1/follow-ups",
    tags=["follow-ups"],
    responses=examples.AUTH_ERRORS,
    route_class=AuthenticatedRoute,
)
NOT_FOUND = "No follow-up has this id."
ONE: examples.Responses = {
    **examples.not_found(NOT_FOUND),
    **examples.UNAVAILABLE,
}
CHANGE: examples.Responses = {**ONE, **examples.BODY_ERRORS}


@router.get(
    "",
    response_model=FollowUpPage,
    operation_id="listFollowUps",
    responses={**examples.QUERY_VALIDATION, **examples.UNAVAILABLE},
)
async def list_follow_ups(
    request: Request,
    engine: EngineDep,
    principal: PrincipalDep,
    clock: ClockDep,
    status: FollowUpStatus | None = None,
    kind: FollowUpKind | None = None,
    decline_id: Annotated[str | None, Query(max_length=40)] = None,
    due_before: Annotated[Rfc3339 | None, Query(description="RFC 3339")] = None,
    due_after: Annotated[Rfc3339 | None, Query(description="RFC 3339")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200, description="From next_cursor")] = None,
) -> Response:
    """The tenant's follow-ups, soonest due first."""
    if cursor is not None:
        with cursor_checked():
            repository.decode_cursor(cursor)
    page = await repository.page(
        engine,
        repository.Query(
            tenant_id=principal.tenant_id,
            now=clock(),
            status=status.value if status else None,
            kind=kind.value if kind else None,
            decline_id=decline_id,
            due_before=due_before,
            due_after=due_after,
            limit=limit,
            cursor=cursor,
        ),
    )
    return paged(request, [item.as_json() for item in page.items], page.next_cursor)


@router.get(
    "/{follow_up_id}",
    response_model=StoredFollowUp,
    operation_id="getFollowUp",
    responses=ONE,
)
async def get_follow_up(
    follow_up_id: str, engine: EngineDep, principal: PrincipalDep, clock: ClockDep
) -> Response:
    """One follow-up."""
    found = await repository.get(
        engine, tenant_id=principal.tenant_id, follow_up_id=follow_up_id, now=clock()
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return json_response(found.as_json())


@router.patch(
    "/{follow_up_id}",
    response_model=StoredFollowUp,
    operation_id="updateFollowUp",
    dependencies=[Depends(require_json)],
    responses={**CHANGE, **examples.invalid(["body", "colour"], "Extra inputs are not permitted")},
)
async def update_follow_up(
    follow_up_id: str,
    body: FollowUpChange,
    engine: EngineDep,
    principal: PrincipalDep,
    clock: ClockDep,
) -> Response:
    """Reschedule it (`due_at`), or mark it sent, skipped or scheduled again."""
    for name in sorted(body.model_fields_set):
        if getattr(body, name) is None:
            raise InvalidInput(f"Invalid {name}: may not be null", loc=["body", name])
    if body.due_at is None and body.status is None:
        return await get_follow_up(follow_up_id, engine, principal, clock)
    changed = await repository.change(
        engine,
        tenant_id=principal.tenant_id,
        follow_up_id=follow_up_id,
        change=repository.Change(due_at=body.due_at, status=body.status),
        now=clock(),
    )
    if changed is None:
        raise NotFound(NOT_FOUND)
    return json_response(changed.as_json())


@router.post(
    "/{follow_up_id}/refresh",
    response_model=StoredFollowUp,
    operation_id="refreshFollowUp",
    dependencies=[Depends(require_json)],
    responses={
        **CHANGE,
        **examples.invalid(["body", "news"], "Extra inputs are not permitted"),
        **examples.REFRESH_CONFLICT,
    },
)
async def refresh_follow_up(
    follow_up_id: str,
    body: FollowUpRefresh,
    engine: EngineDep,
    principal: PrincipalDep,
    clock: ClockDep,
) -> Response:
    """Compose the message again with what is new now (the latest news, common ground)."""
    now = clock()
    stored = await repository.stored_request(
        engine, tenant_id=principal.tenant_id, follow_up_id=follow_up_id
    )
    if stored is None:
        raise NotFound(NOT_FOUND)
    request, position, kind = stored
    relationship = dict(request.get("relationship") or {})  # type: ignore[call-overload]
    relationship.update(body.model_dump(exclude_unset=True))
    fresh = DeclineRequest.model_validate({**request, "relationship": relationship})
    messages, _guidance = compose_fields(fresh, now=now)
    composed = messages.get("follow_ups")
    assert isinstance(composed, list)
    match = composed[position] if position < len(composed) else None
    if match is None or match["kind"] != kind:
        raise Conflict("This follow-up cannot be composed again from its decline's request.")
    changed = await repository.change(
        engine,
        tenant_id=principal.tenant_id,
        follow_up_id=follow_up_id,
        change=repository.Change(subject=str(match["subject"]), text=str(match["text"])),
        now=now,
    )
    if changed is None:
        raise NotFound(NOT_FOUND)
    return json_response(changed.as_json())
