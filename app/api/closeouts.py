"""Offer closeouts: a candidate accepted an offer, and every other application is declined."""

from fastapi import APIRouter, Request, Response

from app import closeout, ids
from app.api import examples, idempotent
from app.api.auth import AuthenticatedRoute, PrincipalDep, revoked
from app.api.bulk_solver import bulk_solver
from app.api.declines import JSON_BODY, IdempotencyKey
from app.api.deps import ClockDep, EngineDep
from app.api.presolve import presolved
from app.errors import NotFound
from app.new_declines import composed_decline
from app.schemas_scale import Closeout, CloseoutRequest
from app.store import batches

router = APIRouter(
    prefix="/v1/closeouts",
    tags=["closeouts"],
    responses=examples.AUTH_ERRORS,
    route_class=AuthenticatedRoute,
)
NOT_FOUND = "No closeout has this id."


@router.post(
    "",
    status_code=201,
    response_model=Closeout,
    operation_id="createCloseout",
    dependencies=JSON_BODY,
    responses={
        201: {
            "headers": {
                "Location": {"description": "The closeout's URL", "schema": {"type": "string"}},
                "Idempotent-Replayed": {
                    "description": "`true` when this is the stored response to an earlier request",
                    "schema": {"type": "string"},
                },
            }
        },
        **examples.CONFLICT,
        **examples.BULK_BODY_ERRORS,
        **examples.invalid(
            ["body", "applications", 0, "role"],
            "Value should have at least 1 item after validation, not 0",
        ),
        **examples.UNAVAILABLE,
    },
)
@presolved(bulk_solver(CloseoutRequest))
async def create_closeout(
    body: CloseoutRequest,
    request: Request,
    engine: EngineDep,
    clock: ClockDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Decline every other open application (1–50) at once, in one transaction."""
    now = clock()
    async with idempotent.claimed(
        engine,
        principal=principal,
        key=idempotency_key,
        operation="createCloseout",
        body=body,
        now=now,
    ) as keyed:
        if (replay := idempotent.answered(keyed)) is not None:
            return replay
        closeout_id = ids.new_closeout_id(now)
        created_at = ids.created_at(closeout_id)
        accepted = closeout.accepted_company(body)
        made = [
            composed_decline(
                item,
                now=now,
                tenant_id=principal.tenant_id,
                closeout_id=closeout_id,
                accepted_company=accepted,
            )
            for item in closeout.decline_requests(body)
        ]
        declines = [decline for decline, _ in made]
        steps = [
            closeout.Step(
                decline_id=decline.id,
                stage=request.stage.value,
                interview_at=request.interview_at,
                guidance=guidance,
            )
            for (decline, guidance), request in zip(made, body.applications, strict=True)
        ]
        document = closeout.closeout_document(
            closeout_id, created_at, [decline.document for decline in declines], steps, now
        )
        location = f"/v1/closeouts/{closeout_id}"
        response = None
        if idempotency_key is not None:
            response = batches.Response(
                key=idempotency_key, status=201, location=location, body=document
            )
        stored = await batches.add_all(
            request.app.state.driver,
            declines,
            tenant_id=principal.tenant_id,
            key_id=principal.key_id,
            closeout=batches.CloseoutRecord(id=closeout_id, created_at=created_at),
            response=response,
            keyed=keyed,
        )
        if not stored:
            raise revoked(request, principal)
    return Response(document, 201, {"Location": location}, media_type="application/json")


@router.get(
    "/{closeout_id}",
    response_model=Closeout,
    operation_id="getCloseout",
    responses={**examples.not_found(NOT_FOUND), **examples.UNAVAILABLE},
)
async def get_closeout(
    closeout_id: str, engine: EngineDep, clock: ClockDep, principal: PrincipalDep
) -> Response:
    """One closeout with its declines (those not erased since)."""
    documents = await batches.closeout_documents(
        engine, tenant_id=principal.tenant_id, closeout_id=closeout_id
    )
    if documents is None:
        raise NotFound(NOT_FOUND)
    document = closeout.closeout_document(
        closeout_id, ids.created_at(closeout_id), documents, closeout.steps_of(documents), clock()
    )
    return Response(document, media_type="application/json")


@router.delete(
    "/{closeout_id}",
    status_code=204,
    operation_id="deleteCloseout",
    responses={**examples.not_found(NOT_FOUND), **examples.UNAVAILABLE},
)
async def delete_closeout(
    closeout_id: str, engine: EngineDep, principal: PrincipalDep, clock: ClockDep
) -> Response:
    """Erase the closeout and every decline made in it, as erasing each one would."""
    if not await batches.remove_closeout(
        engine, tenant_id=principal.tenant_id, closeout_id=closeout_id, now=clock()
    ):
        raise NotFound(NOT_FOUND)
    return Response(status_code=204)
