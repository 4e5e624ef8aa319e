"""Idempotency-Key for the routes that store many declines at once (batches, closeouts).

The same rules as single creates (app/store/idempotency.py): the key is claimed in the
transaction that then stores what the request creates and the response that announces it, so
a retry with the same body gets that response back, a different body is 422, a retry while
the first still runs is 409, and a request that fails leaves the key free.
"""

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import IdempotencyKeyInUse, IdempotencyKeyReused, NotFound
from app.store import idempotency
from app.store.keys import Principal


@asynccontextmanager
async def claimed(
    engine: AsyncEngine,
    *,
    principal: Principal,
    key: str | None,
    operation: str,
    body: BaseModel,
    now: datetime,
) -> AsyncIterator[idempotency.Keyed | None]:
    """The claimed key and its open transaction, or None without a key.

    The fingerprint covers the operation too, so a key reused on another endpoint is a
    different request (422), never a replay of the wrong response."""
    if key is None:
        yield None
        return
    payload = operation.encode() + b"\n" + body.model_dump_json().encode()
    fingerprint = hashlib.sha256(payload).hexdigest()
    try:
        async with idempotency.keyed(
            engine, tenant_id=principal.tenant_id, key=key, fingerprint=fingerprint, now=now
        ) as keyed:
            yield keyed
    except idempotency.InUse:
        raise IdempotencyKeyInUse(
            "A request with this Idempotency-Key is still being processed; retry shortly.",
            headers={"Retry-After": "1"},
        ) from None


def answered(keyed: idempotency.Keyed | None) -> Response | None:
    """The stored response when the key was used before; None when this request goes ahead."""
    if keyed is None or keyed.claim.state is idempotency.State.new:
        return None
    claim = keyed.claim
    if claim.state is idempotency.State.replay:
        headers = {"Idempotent-Replayed": "true"}
        if claim.location:
            headers["Location"] = claim.location
        return Response(
            claim.body or "", claim.status or 201, headers, media_type="application/json"
        )
    if claim.state is idempotency.State.erased:
        raise NotFound(
            "What this Idempotency-Key created has been erased; send a new key to create again."
        )
    raise IdempotencyKeyReused(
        "This Idempotency-Key was already used with a different body.",
        loc=["header", "Idempotency-Key"],
    )
