"""The events outbox: recorded in the transaction of the change they report, read back as
`{"id", "type", "created_at", "data"}`, and queued again on request."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import ids
from app.models import DeclineRow, DeliveryAttempt, DeliveryRow, EventRow
from app.store import pages, webhooks
from app.store.payloads import body
from app.store.times import utc
from app.store.transaction import writing

EVENT_PREFIX = "evt_"
RETENTION = timedelta(days=30)
_events: Table = EventRow.__table__  # type: ignore[assignment]
_declines: Table = DeclineRow.__table__  # type: ignore[assignment]
_deliveries: Table = DeliveryRow.__table__  # type: ignore[assignment]
_attempts: Table = DeliveryAttempt.__table__  # type: ignore[assignment]


async def record(
    connection: AsyncConnection,
    *,
    tenant_id: str,
    event_type: str,
    now: datetime,
    data: str,
    decline_id: str | None,
    dedup_key: str | None = None,
) -> str:
    """Add an event inside the caller's transaction; its id."""
    event_id = ids.new_id(now, EVENT_PREFIX)
    await connection.execute(
        insert(_events).values(
            id=event_id,
            tenant_id=tenant_id,
            type=event_type,
            created_at=now,
            decline_id=decline_id,
            data=data,
            dedup_key=dedup_key,
            fanned_out=False,
        )
    )
    return event_id


def _served() -> object:
    e, d = _events.c, _declines.c
    # decline.created keeps no copy of its decline: its data is the stored document.
    return select(e.id, e.type, e.created_at, e.data, d.document).select_from(
        _events.outerjoin(_declines, d.id == e.decline_id)
    )


def _as_body(row: object) -> str:
    data = row.data if row.data is not None else row.document  # type: ignore[attr-defined]
    return body(row.id, row.type, utc(row.created_at), data or "null")  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class EventPage:
    bodies: list[str]
    next_cursor: str | None


def decode_cursor(cursor: str) -> str:
    (last_id,) = pages.decode("evt", cursor, 1)
    if not ids.is_well_formed(last_id, EVENT_PREFIX):
        raise pages.InvalidCursor(cursor)
    return last_id


async def page(
    engine: AsyncEngine,
    *,
    tenant_id: str,
    now: datetime,
    event_type: str | None,
    limit: int,
    cursor: str | None,
) -> EventPage:
    """The tenant's events of the last 30 days, newest first."""
    e = _events.c
    statement = _served().where(  # type: ignore[attr-defined]
        e.tenant_id == tenant_id, e.id >= ids.id_floor(now - RETENTION, EVENT_PREFIX)
    )
    if event_type:
        statement = statement.where(e.type == event_type)
    if cursor:
        statement = statement.where(e.id < decode_cursor(cursor))
    statement = statement.order_by(e.id.desc()).limit(limit + 1)
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return EventPage(
        bodies=[_as_body(row) for row in rows],
        next_cursor=pages.encode("evt", rows[-1].id) if more else None,
    )


async def get(engine: AsyncEngine, *, tenant_id: str, event_id: str) -> str | None:
    if not ids.is_well_formed(event_id, EVENT_PREFIX):
        return None
    statement = _served().where(  # type: ignore[attr-defined]
        _events.c.id == event_id, _events.c.tenant_id == tenant_id
    )
    async with engine.connect() as connection:
        row = (await connection.execute(statement)).first()
    return None if row is None else _as_body(row)


async def redeliver(
    engine: AsyncEngine, *, tenant_id: str, event_id: str, now: datetime
) -> int | None:
    """Queue the event again for every enabled endpoint subscribed to its type; how many, or
    None if there is no such event."""
    if not ids.is_well_formed(event_id, EVENT_PREFIX):
        return None
    async with writing(engine) as connection:
        found = await connection.execute(
            select(_events.c.type).where(_events.c.id == event_id, _events.c.tenant_id == tenant_id)
        )
        event_type = found.scalar_one_or_none()
        if event_type is None:
            return None
        endpoints = await webhooks.subscribed(connection, tenant_id, event_type)
        for endpoint_id in endpoints:
            await connection.execute(
                insert(_deliveries).values(
                    endpoint_id=endpoint_id,
                    event_id=event_id,
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
        return len(endpoints)


async def prune(engine: AsyncEngine, *, now: datetime, batch: int = 1000) -> int:
    """Delete up to `batch` of the events older than 30 days, the oldest first, with the
    deliveries and attempts queued for them (each carries the event's text); how many.

    Ids begin with their creation time, so "older than" is a range of the primary key. On
    PostgreSQL the rows are picked with SKIP LOCKED: workers pruning at once take different
    ones, and none waits on an event another transaction is fanning out.
    """
    e = _events.c
    old = (
        select(e.id)
        .where(e.id < ids.id_floor(now - RETENTION, EVENT_PREFIX))
        .order_by(e.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    async with writing(engine) as connection:
        picked = list((await connection.execute(old)).scalars())
        if picked:
            await connection.execute(delete(_attempts).where(_attempts.c.event_id.in_(picked)))
            await connection.execute(delete(_deliveries).where(_deliveries.c.event_id.in_(picked)))
            await connection.execute(delete(_events).where(e.id.in_(picked)))
    return len(picked)
