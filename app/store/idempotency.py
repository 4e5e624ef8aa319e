"""Idempotency keys (IETF httpapi draft, as Stripe does it), enforced by the primary key.

A key is claimed, the decline stored and the response recorded in one transaction, so the key
is "in flight" only while its owner's transaction is open: a concurrent retry waits for it a
moment (then gets 409), and if the owner dies (kill -9, a lost connection) the database rolls
the transaction back and the key is free at once. A committed record always holds a response,
so a replay finds either nothing or everything, including after a commit whose outcome the
client never learnt.
"""

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum

from sqlalchemy import (
    ColumnElement,
    Table,
    Update,
    and_,
    bindparam,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.models import IdempotencyRecord
from app.store.transaction import writing

_table: Table = IdempotencyRecord.__table__  # type: ignore[assignment]

RETENTION = timedelta(hours=24)
# How long a retry waits for the key's owner to finish before it is told 409.
IN_FLIGHT_WAIT_MS = 200
# What an erased decline's records keep: no response, no fingerprint of the personal request.
ERASED = "erased"
_LOCK_NOT_AVAILABLE = "55P03"


class State(Enum):
    new = "new"
    replay = "replay"
    mismatch = "mismatch"
    erased = "erased"


class InUse(Exception):
    """Another request holding this key has not finished yet."""


@dataclass(frozen=True, slots=True)
class Claim:
    state: State
    status: int | None = None
    location: str | None = None
    body: str | None = None


@dataclass(frozen=True, slots=True)
class Keyed:
    """A claimed key and the open transaction that must store what it answers."""

    connection: AsyncConnection
    claim: Claim


def _aware(moment: datetime) -> datetime:
    # SQLite hands back offset-less text; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@asynccontextmanager
async def keyed(
    engine: AsyncEngine, *, tenant_id: str, key: str, fingerprint: str, now: datetime
) -> AsyncIterator[Keyed]:
    """Take the key in a transaction that the caller completes (or leaves by raising)."""
    for attempt in (1, 2):
        try:
            async with writing(engine) as connection:
                claim = await _claim_or_taken(
                    connection, tenant_id=tenant_id, key=key, fingerprint=fingerprint, now=now
                )
                yield Keyed(connection, claim)
                return
        except _Taken:
            # Claimed and committed by another request since we looked: look again, and
            # replay it (or see that it is still in flight).
            if attempt == 2:
                raise InUse from None


class _Taken(Exception):
    pass


async def _claim_or_taken(
    connection: AsyncConnection, *, tenant_id: str, key: str, fingerprint: str, now: datetime
) -> Claim:
    try:
        return await _claim(
            connection, tenant_id=tenant_id, key=key, fingerprint=fingerprint, now=now
        )
    except IntegrityError:
        raise _Taken from None
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            raise InUse from None  # its owner's transaction is still open
        raise


async def _claim(
    connection: AsyncConnection, *, tenant_id: str, key: str, fingerprint: str, now: datetime
) -> Claim:
    if connection.dialect.name == "postgresql":
        # An uncommitted claim of the same key makes the INSERT below wait for its owner.
        await connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{IN_FLIGHT_WAIT_MS}ms'")
    where = (_table.c.tenant_id == tenant_id, _table.c.key == key)
    row = (await connection.execute(select(_table).where(*where))).first()
    if row is not None:
        # No response recorded: left by an older release of the service, whose requests
        # committed their claim before finishing; its owner is long gone.
        stale = row.status is None or _aware(row.created_at) < now - RETENTION
        if not stale:
            if row.fingerprint == ERASED:
                return Claim(State.erased)
            if row.fingerprint != fingerprint:
                return Claim(State.mismatch)
            return Claim(State.replay, status=row.status, location=row.location, body=row.body)
        await connection.execute(delete(_table).where(*where))
    await connection.execute(
        insert(_table).values(tenant_id=tenant_id, key=key, fingerprint=fingerprint, created_at=now)
    )
    return Claim(State.new)


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


async def erase_responses(
    connection: AsyncConnection,
    *,
    tenant_id: str,
    locations: Sequence[str],
    decline_ids: Sequence[str] = (),
) -> None:
    """Forget the stored responses that announced what was erased, keeping only the fact that
    their keys were used, so that a replay cannot create it again: a single create's by its
    location, and a batch's or a closeout's (which hold many declines) by the ids in its body."""
    c = _table.c
    announced: ColumnElement[bool] = c.location.in_(locations)
    if decline_ids:
        holds_many = or_(c.location.is_(None), c.location.startswith("/v1/closeouts/"))
        mentions = or_(*[c.body.contains(one, autoescape=True) for one in decline_ids])
        announced = or_(announced, and_(holds_many, c.body.is_not(None), mentions))
    await connection.execute(
        update(_table)
        .where(c.tenant_id == tenant_id, announced)
        .values(fingerprint=ERASED, body=None, location=None, status=404)
    )


async def purge_expired(connection: AsyncConnection, *, now: datetime) -> int:
    result = await connection.execute(delete(_table).where(_table.c.created_at < now - RETENTION))
    return result.rowcount
