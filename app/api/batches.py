"""Batches: up to a hundred declines composed and stored in one transaction, all or none."""

from fastapi import APIRouter, Request, Response

from app.api import examples, idempotent
from app.api.auth import AuthenticatedRoute, PrincipalDep, revoked
from app.api.bulk_solver import bulk_solver
from app.api.declines import JSON_BODY, IdempotencyKey
from app.api.deps import ClockDep, EngineDep
from app.api.presolve import presolved
from app.new_declines import new_decline
from app.schemas_scale import DeclineBatch, DeclineBatchResult
from app.store import batches

router = APIRouter(
    prefix="/v1/declines",
    tags=["declines"],
    responses=examples.AUTH_ERRORS,
    route_class=AuthenticatedRoute,
)


@router.post(
    "/batch",
    status_code=201,
    response_model=DeclineBatchResult,
    operation_id="createDeclineBatch",
    dependencies=JSON_BODY,
    responses={
        201: {
            "headers": {
                "Idempotent-Replayed": {
                    "description": "`true` when this is the stored response to an earlier request",
                    "schema": {"type": "string"},
                },
            }
        },
        **examples.CONFLICT,
        **examples.BULK_BODY_ERRORS,
        **examples.invalid(
            ["body", "items", 0, "role"],
            "Value should have at least 1 item after validation, not 0",
        ),
        **examples.UNAVAILABLE,
    },
)
@presolved(bulk_solver(DeclineBatch))
async def create_decline_batch(
    body: DeclineBatch,
    request: Request,
    engine: EngineDep,
    clock: ClockDep,
    principal: PrincipalDep,
    idempotency_key: IdempotencyKey = None,
) -> Response:
    """Compose and store 1–100 declines in one transaction; a 422 names each invalid item."""
    now = clock()
    async with idempotent.claimed(
        engine,
        principal=principal,
        key=idempotency_key,
        operation="createDeclineBatch",
        body=body,
        now=now,
    ) as keyed:
        if (replay := idempotent.answered(keyed)) is not None:
            return replay
        declines = [
            new_decline(item, now=now, tenant_id=principal.tenant_id) for item in body.items
        ]
        document = '{"items":[' + ",".join(decline.document for decline in declines) + "]}"
        response = None
        if idempotency_key is not None:
            response = batches.Response(
                key=idempotency_key, status=201, location=None, body=document
            )
        stored = await batches.add_all(
            request.app.state.driver,
            declines,
            tenant_id=principal.tenant_id,
            key_id=principal.key_id,
            response=response,
            keyed=keyed,
        )
        if not stored:
            raise revoked(request, principal)
    return Response(document, 201, media_type="application/json")
