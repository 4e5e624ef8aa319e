"""The declines resource: compose, store, list, read and erase."""

import hashlib
from dataclasses import replace
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response

from app import follow_through, metrics
from app.api import examples
from app.api.auth import (
    AuthenticatedRoute,
    PrincipalDep,
    authenticate_writer,
    revoked,
)
from app.api.bulk_solver import common_request
from app.api.deps import ClockDep, EngineDep, get_clock, require_json
from app.api.filters import LogFiltersDep
from app.api.presolve import presolved
from app.api.responses import cursor_checked, json_response, paged
from app.compose.decline import compose
from app.compose.environment import template_version
from app.errors import IdempotencyKeyInUse, IdempotencyKeyReused, NotFound
from app.new_declines import new_decline
from app.schemas import (
    Decline,
    DeclinePage,
    DeclinePreview,
    DeclineRequest,
)
from app.store import declines as repository
from app.store import idempotency
from app.store.keys import Principal

router = APIRouter(
    prefix="/v1/declines",
    tags=["declines"],
    responses=examples.AUTH_ERRORS,
    route_class=AuthenticatedRoute,
)

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        # Visible ASCII and spaces, as the draft's sf-string: a key is echoed into logs of
        # proxies and clients, and stored.
        pattern=r"^[\x20-\x7e]+$",
        description="Retry safely: the same key and body within 24 hours get the first response.",
    ),
]
RequestBody = Annotated[DeclineRequest, Body(openapi_examples=examples.REQUEST_EXAMPLES)]
JSON_BODY = [Depends(require_json)]
WRITE_ERRORS: examples.Responses = {
    **examples.BODY_ERRORS,
    **examples.VALIDATION,
}


async def _common_create(request: Request) -> dict[str, Any] | None:
    """create_decline's arguments for the common request: a JSON body that is valid, a bearer
    key and no Idempotency-Key.

    Anything else is None, for FastAPI to solve. The body is validated straight from JSON
    text, in one pass; a body that fails goes the general way, which reports it as always.
    """
    common = await common_request(request, DeclineRequest)
    if common is None:
        return None
    body, credentials = common
    return {
        "body": body,
        "request": request,
        "clock": await get_clock(request),
        "principal": await authenticate_writer(request, credentials),
        "idempotency_key": None,
    }


@router.post(
    "",
    status_code=201,
    response_model=Decline,
    operation_id="createDecline",
    dependencies=JSON_BODY,
    responses={
        201: {
            "headers": {
                "Location": {"description": "The new decline's URL", "schema": {"type": "string"}},
                "Idempotent-Replayed": {
                    "description": "`true` when this is the stored response to an earlier request",
                    "schema": {"type": "string"},
                },
            }
        },
        **examples.CONFLICT,
        **WRITE_ERRORS,
        **examples.UNAVAILABLE,
    },
)
@presolved(_common_create)
async def create_decline(
    body: RequestBody,
    request: Request,
    clock: ClockDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Compose every requested channel and store the decline."""
    now = clock()
    if idempotency_key is None:
        decline = new_decline(body, now=now, tenant_id=principal.tenant_id)
        if not await repository.add(request.app.state.driver, decline, key_id=principal.key_id):
            raise revoked(request, principal)
        return json_response(
            decline.document, 201, {"Location": repository.location_of(decline.id)}
        )
    fingerprint = hashlib.sha256(body.model_dump_json().encode()).hexdigest()
    try:
        async with idempotency.keyed(
            request.app.state.engine,
            tenant_id=principal.tenant_id,
            key=idempotency_key,
            fingerprint=fingerprint,
            now=now,
        ) as keyed:
            return await _create_once(request, body, now, principal, idempotency_key, keyed)
    except idempotency.InUse:
        raise IdempotencyKeyInUse(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            headers={"Retry-After": "1"},
        ) from None


async def _create_once(
    request: Request,
    body: DeclineRequest,
    now: datetime,
    principal: Principal,
    key: str,
    keyed: idempotency.Keyed,
) -> Response:
    claim = keyed.claim
    if claim.state is idempotency.State.replay:
        headers = {"Idempotent-Replayed": "true"}
        if claim.location:
            headers["Location"] = claim.location
        return json_response(claim.body or "", claim.status or 201, headers)
    if claim.state is idempotency.State.erased:
        raise NotFound(
            "The decline this Idempotency-Key created has been erased; "
            "send a new key to create another."
        )
    if claim.state is idempotency.State.mismatch:
        raise IdempotencyKeyReused(
            "This Idempotency-Key was already used with a different body.",
            loc=["header", "Idempotency-Key"],
        )
    decline = new_decline(body, now=now, tenant_id=principal.tenant_id)
    location = repository.location_of(decline.id)
    stored = await repository.add_keyed(
        keyed.connection,
        decline,
        key_id=principal.key_id,
        location=location,
        idempotency_key=key,
    )
    if not stored:
        raise revoked(request, principal)
    return json_response(decline.document, 201, {"Location": location})


@router.post(
    "/preview",
    response_model=DeclinePreview,
    operation_id="previewDecline",
    dependencies=JSON_BODY,
    responses=WRITE_ERRORS,
)
async def preview_decline(
    body: RequestBody, clock: ClockDep, _principal: PrincipalDep
) -> DeclinePreview:
    """Compose only; nothing is stored."""
    with metrics.COMPOSITION.time():
        composition = compose(body, now=clock())
    return DeclinePreview(
        request=body,
        messages=composition.messages,
        guidance=composition.guidance,
        template_version=template_version(),
    )


@router.get(
    "",
    response_model=DeclinePage,
    operation_id="listDeclines",
    responses={
        200: {"headers": {"Link": examples.LINK_HEADER}},
        **examples.QUERY_VALIDATION,
        **examples.UNAVAILABLE,
    },
)
async def list_declines(
    request: Request,
    engine: EngineDep,
    filters: LogFiltersDep,
    clock: ClockDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200, description="From next_cursor")] = None,
) -> Response:
    """The log of stored declines, newest first."""
    if cursor is not None:
        with cursor_checked():
            repository.decode_cursor(cursor)
    page = await repository.page(engine, replace(filters, limit=limit, cursor=cursor))
    # Stored documents are already JSON: the page is assembled, not re-serialised.
    now = clock()
    documents = [follow_through.as_of(document, now) for document in page.documents]
    return paged(request, documents, page.next_cursor)


@router.get(
    "/{decline_id}",
    response_model=Decline,
    operation_id="getDecline",
    responses={**examples.NOT_FOUND, **examples.UNAVAILABLE},
)
async def get_decline(
    decline_id: str, engine: EngineDep, principal: PrincipalDep, clock: ClockDep
) -> Response:
    """One stored decline."""
    document = await repository.get(engine, tenant_id=principal.tenant_id, decline_id=decline_id)
    if document is None:
        raise NotFound("No decline has this id.")
    return json_response(follow_through.as_of(document, clock()))


@router.delete(
    "/{decline_id}",
    status_code=204,
    operation_id="deleteDecline",
    responses={**examples.NOT_FOUND, **examples.UNAVAILABLE},
)
async def delete_decline(
    decline_id: str, engine: EngineDep, principal: PrincipalDep, clock: ClockDep
) -> Response:
    """Erase a decline for good (the candidate's right to erasure)."""
    if not await repository.remove(
        engine, tenant_id=principal.tenant_id, decline_id=decline_id, now=clock()
    ):
        raise NotFound("No decline has this id.")
    return Response(status_code=204)
