"""Idempotency keys (IETF httpapi draft, as Stripe does it), enforced by the primary key.

The first request with a key inserts an in-flight row and commits it, so a concurrent retry
hits the primary key and learns the key is taken; the decline and the stored response are then
written in one transaction, so a replay always finds either nothing or everything.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from sqlalchemy import Table, Update, bindparam, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.models import IdempotencyRecord
from app.store.transaction import writing

_table: Table = IdempotencyRecord.__table__  # type: ignore[assignment]

RETENTION = timedelta(hours=24)
# A request still "in flight" after this long died with its process; its key may be reused.
ABANDONED_AFTER = timedelta(minutes=2)


class State(Enum):
    new = "new"
    replay = "replay"
    in_flight = "in_flight"
    mismatch = "mismatch"


@dataclass(frozen=True, slots=True)
class Claim:
    state: State
    status: int | None = None
    location: str | None = None
    body: str | None = None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back offset-less text; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def claim(
    engine: AsyncEngine, *, tenant_id: str, key: str, fingerprint: str, now: datetime
) -> Claim:
    """Take the key for this request, or say why it cannot be taken."""
    for _ in range(3):
        try:
            async with writing(engine) as connection:
                await connection.execute(
                    insert(_table).values(
                        tenant_id=tenant_id, key=key, fingerprint=fingerprint, created_at=now
                    )
                )
                if secrets.randbelow(256) == 0:
                    # Expired keys are swept now and then, by whichever request comes by.
                    await connection.execute(
                        delete(_table).where(_table.c.created_at < now - RETENTION)
                    )
            return Claim(State.new)
        except IntegrityError:
            pass
        async with writing(engine) as connection:
            row = (
                await connection.execute(
                    select(_table).where(_table.c.tenant_id == tenant_id, _table.c.key == key)
                )
            ).first()
            if row is None:
                continue  # released meanwhile: try again
            created_at = _aware(row.created_at)
            expired = created_at < now - RETENTION
            abandoned = row.status is None and created_at < now - ABANDONED_AFTER
            if expired or abandoned:
                await connection.execute(
                    delete(_table).where(
                        _table.c.tenant_id == tenant_id,
                        _table.c.key == key,
                        _table.c.created_at == row.created_at,
                    )
                )
                continue
        if row.fingerprint != fingerprint:
            return Claim(State.mismatch)
        if row.status is None:
            return Claim(State.in_flight)
        return Claim(State.replay, status=row.status, location=row.location, body=row.body)
    return Claim(State.in_flight)


async def complete(
    connection: AsyncConnection,
    *,
    tenant_id: str,
    key: str,
    status: int,
    location: str | None,
    body: str,
) -> None:
    """Record the response, inside the transaction that stores what it describes."""
    await connection.execute(
        completion(),
        {
            "of_tenant": tenant_id,
            "of_key": key,
            "status": status,
            "location": location,
            "body": body,
        },
    )


def completion() -> Update:
    """UPDATE the key's row (`of_tenant`, `of_key`) with its response (`status`, `location`,
    `body`); also compiled for the raw driver, which records batch responses with it."""
    return (
        update(_table)
        .where(_table.c.tenant_id == bindparam("of_tenant"), _table.c.key == bindparam("of_key"))
        .values(status=bindparam("status"), location=bindparam("location"), body=bindparam("body"))
    )


async def release(engine: AsyncEngine, *, tenant_id: str, key: str) -> None:
    """Give the key back after a failure, so the client's retry is processed afresh."""
    async with writing(engine) as connection:
        await connection.execute(
            delete(_table).where(
                _table.c.tenant_id == tenant_id, _table.c.key == key, _table.c.status.is_(None)
            )
        )
