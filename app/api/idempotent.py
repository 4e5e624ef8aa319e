"""Idempotency-Key for the routes that store many declines at once (batches, closeouts).

The same rules as single creates (app/store/idempotency.py): the first request claims the key,
its response is stored in the transaction that stores what it describes, a retry with the same
body gets that response back, a different body is 422, and a retry while the first still runs
is 409.
"""

import hashlib
import logging
from datetime import datetime

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import DATABASE_DOWN, Conflict, InvalidInput
from app.store import idempotency
from app.store.keys import Principal

logger = logging.getLogger("gracious")


async def replay_or_claim(
    engine: AsyncEngine,
    *,
    principal: Principal,
    key: str,
    operation: str,
    body: BaseModel,
    now: datetime,
) -> Response | None:
    """The stored response for a retry; None when this request has the key and goes ahead.

    The fingerprint covers the operation too, so a key reused on another endpoint is a
    different request (422), never a replay of the wrong response."""
    payload = operation.encode() + b"\n" + body.model_dump_json().encode()
    fingerprint = hashlib.sha256(payload).hexdigest()
    claim = await idempotency.claim(
        engine, tenant_id=principal.tenant_id, key=key, fingerprint=fingerprint, now=now
    )
    if claim.state is idempotency.State.new:
        return None
    if claim.state is idempotency.State.replay:
        headers = {"Idempotent-Replayed": "true"}
        if claim.location:
            headers["Location"] = claim.location
        return Response(
            claim.body or "", claim.status or 201, headers, media_type="application/json"
        )
    if claim.state is idempotency.State.in_flight:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed; retry shortly."
        )
    raise InvalidInput(
        "This Idempotency-Key was already used with a different body.",
        loc=["header", "Idempotency-Key"],
    )


async def release(engine: AsyncEngine, *, principal: Principal, key: str) -> None:
    """Give the key back after a failure, so the client's retry is processed afresh."""
    try:
        await idempotency.release(engine, tenant_id=principal.tenant_id, key=key)
    except DATABASE_DOWN:
        # The key frees itself once it counts as abandoned; the original error matters more.
        logger.warning("could not release Idempotency-Key after a failure")
