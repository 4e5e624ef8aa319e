"""Webhook endpoints, and the delivery queue the worker works through.

A worker claims an endpoint (a lease: `lease_until`) before it sends anything to it, so one
worker at a time sends to an endpoint, in the order its events were created, and an endpoint
whose worker died returns to the others when the lease runs out. The claim is one UPDATE of
rows picked with FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer, so it needs none.
"""

import base64
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import ids
from app.models import (
    FAN_OUT_QUEUE,
    DeliveryAttempt,
    DeliveryRow,
    EventRow,
    FollowUpRow,
    WebhookEndpoint,
)
from app.store import follow_ups, pages, payloads
from app.store.times import maybe_utc, utc
from app.store.transaction import any_row, writing

ENDPOINT_PREFIX = "we_"
SECRET_PREFIX = "whsec_"
OLD_SECRET_SIGNS_FOR = timedelta(hours=24)
_endpoints: Table = WebhookEndpoint.__table__  # type: ignore[assignment]
_deliveries: Table = DeliveryRow.__table__  # type: ignore[assignment]
_attempts: Table = DeliveryAttempt.__table__  # type: ignore[assignment]
_events: Table = EventRow.__table__  # type: ignore[assignment]
_follow_ups: Table = FollowUpRow.__table__  # type: ignore[assignment]


def new_secret() -> str:
    # 24 random bytes, base64: the Standard Webhooks secret format (whsec_ + base64).
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


@dataclass(frozen=True, slots=True)
class Endpoint:
    id: str
    tenant_id: str
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime


def _endpoint(row: object) -> Endpoint:
    r = row
    return Endpoint(
        id=r.id,  # type: ignore[attr-defined]
        tenant_id=r.tenant_id,  # type: ignore[attr-defined]
        url=r.url,  # type: ignore[attr-defined]
        events=json.loads(r.events),  # type: ignore[attr-defined]
        description=r.description,  # type: ignore[attr-defined]
        enabled=bool(r.enabled),  # type: ignore[attr-defined]
        disabled_reason=r.disabled_reason,  # type: ignore[attr-defined]
        created_at=utc(r.created_at),  # type: ignore[attr-defined]
        updated_at=utc(r.updated_at),  # type: ignore[attr-defined]
    )


_PUBLIC = [
    _endpoints.c[name]
    for name in (
        "id",
        "tenant_id",
        "url",
        "events",
        "description",
        "enabled",
        "disabled_reason",
        "created_at",
        "updated_at",
    )
]


async def create(
    engine: AsyncEngine,
    *,
    tenant_id: str,
    url: str,
    events: Sequence[str],
    description: str | None,
    now: datetime,
) -> tuple[Endpoint, str]:
    endpoint_id = ids.new_id(now, ENDPOINT_PREFIX)
    secret = new_secret()
    async with writing(engine) as connection:
        await connection.execute(
            insert(_endpoints).values(
                id=endpoint_id,
                tenant_id=tenant_id,
                url=url,
                events=json.dumps(list(events)),
                description=description,
                enabled=True,
                secret=secret,
                created_at=now,
                updated_at=now,
            )
        )
    found = await get(engine, tenant_id=tenant_id, endpoint_id=endpoint_id)
    assert found is not None
    return found, secret


async def get(engine: AsyncEngine, *, tenant_id: str, endpoint_id: str) -> Endpoint | None:
    if not ids.is_well_formed(endpoint_id, ENDPOINT_PREFIX):
        return None
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(*_PUBLIC).where(
                    _endpoints.c.id == endpoint_id, _endpoints.c.tenant_id == tenant_id
                )
            )
        ).first()
    return None if row is None else _endpoint(row)


async def list_all(engine: AsyncEngine, *, tenant_id: str) -> list[Endpoint]:
    """A tenant's endpoints, oldest first (a tenant has a handful, as on Stripe)."""
    async with engine.connect() as connection:
        rows = (
            await connection.execute(
                select(*_PUBLIC)
                .where(_endpoints.c.tenant_id == tenant_id)
                .order_by(_endpoints.c.id)
            )
        ).all()
    return [_endpoint(row) for row in rows]


async def change(
    engine: AsyncEngine,
    *,
    tenant_id: str,
    endpoint_id: str,
    changes: dict[str, object],
    now: datetime,
) -> Endpoint | None:
    if not ids.is_well_formed(endpoint_id, ENDPOINT_PREFIX):
        return None
    values = dict(changes)
    if "events" in values:
        values["events"] = json.dumps(values["events"])
    if values.get("enabled") is True:
        # Turned back on: it starts afresh, not five days into failing.
        values.update(disabled_reason=None, failing_since=None)
    elif values.get("enabled") is False:
        values["disabled_reason"] = "disabled by request"
    async with writing(engine) as connection:
        result = await connection.execute(
            update(_endpoints)
            .where(_endpoints.c.id == endpoint_id, _endpoints.c.tenant_id == tenant_id)
            .values(**values, updated_at=now)
        )
        if result.rowcount == 0:
            return None
    return await get(engine, tenant_id=tenant_id, endpoint_id=endpoint_id)


async def remove(engine: AsyncEngine, *, tenant_id: str, endpoint_id: str) -> bool:
    if not ids.is_well_formed(endpoint_id, ENDPOINT_PREFIX):
        return False
    async with writing(engine) as connection:
        owned = _endpoints.c.tenant_id == tenant_id
        mine = select(_endpoints.c.id).where(_endpoints.c.id == endpoint_id, owned)
        await connection.execute(delete(_attempts).where(_attempts.c.endpoint_id.in_(mine)))
        await connection.execute(delete(_deliveries).where(_deliveries.c.endpoint_id.in_(mine)))
        result = await connection.execute(
            delete(_endpoints).where(_endpoints.c.id == endpoint_id, owned)
        )
        return result.rowcount > 0


async def rotate(
    engine: AsyncEngine, *, tenant_id: str, endpoint_id: str, now: datetime
) -> tuple[Endpoint, str] | None:
    """A new secret; the current one keeps signing beside it for 24 hours."""
    if not ids.is_well_formed(endpoint_id, ENDPOINT_PREFIX):
        return None
    secret = new_secret()
    async with writing(engine) as connection:
        result = await connection.execute(
            update(_endpoints)
            .where(_endpoints.c.id == endpoint_id, _endpoints.c.tenant_id == tenant_id)
            .values(
                previous_secret=_endpoints.c.secret,
                previous_secret_expires_at=now + OLD_SECRET_SIGNS_FOR,
                secret=secret,
                updated_at=now,
            )
        )
        if result.rowcount == 0:
            return None
    found = await get(engine, tenant_id=tenant_id, endpoint_id=endpoint_id)
    assert found is not None
    return found, secret


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    event_id: str
    event_type: str
    attempt: int
    attempted_at: datetime
    response_status: int | None
    error: str | None
    duration_ms: int


@dataclass(frozen=True, slots=True)
class AttemptPage:
    items: list[Attempt]
    next_cursor: str | None


def decode_attempt_cursor(cursor: str) -> int:
    (last,) = pages.decode("att", cursor, 1)
    if not last.isdigit():
        raise pages.InvalidCursor(cursor)
    return int(last)


async def attempts(
    engine: AsyncEngine, *, tenant_id: str, endpoint_id: str, limit: int, cursor: str | None
) -> AttemptPage | None:
    """Every attempt to deliver to the endpoint, newest first; None if there is no such one."""
    if await get(engine, tenant_id=tenant_id, endpoint_id=endpoint_id) is None:
        return None
    a = _attempts.c
    statement = select(_attempts).where(a.endpoint_id == endpoint_id)
    if cursor:
        statement = statement.where(a.id < decode_attempt_cursor(cursor))
    statement = statement.order_by(a.id.desc()).limit(limit + 1)
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    more = len(rows) > limit
    items = [
        Attempt(
            id=row.id,
            event_id=row.event_id,
            event_type=row.event_type,
            attempt=row.attempt,
            attempted_at=utc(row.attempted_at),
            response_status=row.response_status,
            error=row.error,
            duration_ms=row.duration_ms,
        )
        for row in rows[:limit]
    ]
    return AttemptPage(items, pages.encode("att", str(items[-1].id)) if more else None)


def subscribes(events: Sequence[str], event_type: str) -> bool:
    return "*" in events or event_type in events


async def subscribed(connection: AsyncConnection, tenant_id: str, event_type: str) -> list[str]:
    """The ids of the tenant's enabled endpoints that want this type of event."""
    rows = await connection.execute(
        select(_endpoints.c.id, _endpoints.c.events).where(
            _endpoints.c.tenant_id == tenant_id, _endpoints.c.enabled.is_(True)
        )
    )
    return [row.id for row in rows if subscribes(json.loads(row.events), event_type)]


# The worker's side of the queue.


async def fan_out(engine: AsyncEngine, *, now: datetime, batch: int = 500) -> int:
    """Queue a delivery of each new event to every endpoint subscribed to it; how many events
    were handled."""
    if not await any_row(engine, select(_events.c.id).where(FAN_OUT_QUEUE)):
        return 0
    async with writing(engine) as connection:
        picked = await connection.execute(
            select(_events.c.id, _events.c.tenant_id, _events.c.type)
            .where(FAN_OUT_QUEUE)
            .order_by(_events.c.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        rows = picked.all()
        if not rows:
            return 0
        tenants = {row.tenant_id for row in rows}
        found = await connection.execute(
            select(_endpoints.c.id, _endpoints.c.tenant_id, _endpoints.c.events).where(
                _endpoints.c.tenant_id.in_(tenants), _endpoints.c.enabled.is_(True)
            )
        )
        by_tenant: dict[str, list[tuple[str, list[str]]]] = {}
        for endpoint in found:
            by_tenant.setdefault(endpoint.tenant_id, []).append(
                (endpoint.id, json.loads(endpoint.events))
            )
        queued = [
            {
                "endpoint_id": endpoint_id,
                "event_id": row.id,
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
            for row in rows
            for endpoint_id, events in by_tenant.get(row.tenant_id, [])
            if subscribes(events, row.type)
        ]
        if queued:
            await connection.execute(insert(_deliveries), queued)
        await connection.execute(
            update(_events)
            .where(_events.c.id.in_([row.id for row in rows]))
            .values(fanned_out=True)
        )
        return len(rows)


@dataclass(frozen=True, slots=True)
class Claimed:
    """An endpoint this worker holds the lease on, with what it needs to sign."""

    id: str
    url: str
    secrets: list[str]
    failing_since: datetime | None


def _free(now: datetime) -> ColumnElement[bool]:
    lease_until = _endpoints.c.lease_until
    return or_(lease_until.is_(None), lease_until < now)


def _claimable(now: datetime) -> ColumnElement[bool]:
    """An enabled endpoint with a delivery due and no live lease."""
    e, d = _endpoints.c, _deliveries.c
    due = exists().where(d.endpoint_id == e.id, d.status == "pending", d.next_attempt_at <= now)
    return and_(e.enabled.is_(True), _free(now), due)


async def work_waiting(engine: AsyncEngine, *, now: datetime) -> bool:
    """Whether a pass would find anything to do: a follow-up come due, an event not yet
    queued, or a delivery due to an endpoint no one holds. One read, on the partial indexes
    the pass itself uses, so an idle worker can ask often without taking a writer's turn."""
    statement = select(
        or_(
            select(_follow_ups.c.id).where(follow_ups.come_due(now)).exists(),
            select(_events.c.id).where(FAN_OUT_QUEUE).exists(),
            exists().where(_claimable(now)),
        )
    )
    async with engine.connect() as connection:
        return bool((await connection.execute(statement)).scalar())


async def claim(
    engine: AsyncEngine, *, now: datetime, lease: timedelta, limit: int
) -> list[Claimed]:
    """Lease up to `limit` enabled endpoints that have a delivery due and no live lease."""
    e = _endpoints.c
    free = _free(now)
    picked = (
        select(e.id)
        .where(_claimable(now))
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    if not await any_row(engine, select(e.id).where(_claimable(now))):
        return []
    async with writing(engine) as connection:
        rows = (
            await connection.execute(
                update(_endpoints)
                .where(e.id.in_(picked), free)
                .values(lease_until=now + lease)
                .returning(
                    e.id,
                    e.url,
                    e.secret,
                    e.previous_secret,
                    e.previous_secret_expires_at,
                    e.failing_since,
                )
            )
        ).all()
    claimed = []
    for row in rows:
        keys = [row.secret]
        expires = maybe_utc(row.previous_secret_expires_at)
        if row.previous_secret and expires and expires > now:
            keys.append(row.previous_secret)
        claimed.append(Claimed(row.id, row.url, keys, maybe_utc(row.failing_since)))
    return claimed


@dataclass(frozen=True, slots=True)
class Due:
    delivery_id: int
    event_id: str
    event_type: str
    attempts: int
    body: str


async def due_for(engine: AsyncEngine, *, endpoint_id: str, now: datetime, limit: int) -> list[Due]:
    """The endpoint's deliveries that are due, in the order their events were created."""
    d, ev = _deliveries.c, _events.c
    statement = (
        select(d.id, d.event_id, d.attempts, ev.type, ev.created_at, ev.data, ev.decline_id)
        .select_from(_deliveries.join(_events, ev.id == d.event_id))
        .where(d.endpoint_id == endpoint_id, d.status == "pending", d.next_attempt_at <= now)
        .order_by(d.event_id, d.id)
        .limit(limit)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
        documents = await payloads.documents(
            connection, [r.decline_id for r in rows if r.data is None]
        )
    return [
        Due(
            row.id,
            row.event_id,
            row.type,
            row.attempts,
            payloads.body(
                row.event_id,
                row.type,
                utc(row.created_at),
                row.data if row.data is not None else documents.get(row.decline_id, "null"),
            ),
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class Outcome:
    status: int | None
    error: str | None
    duration_ms: int
    succeeded: bool
    next_attempt_at: datetime | None  # None: no more attempts
    disable: str | None  # why the endpoint is now disabled, if it is
    failing_since: datetime | None


@dataclass(frozen=True, slots=True)
class Result:
    due: Due
    outcome: Outcome
    at: datetime


async def record(
    engine: AsyncEngine, *, endpoint_id: str, results: Sequence[Result], lease: timedelta
) -> None:
    """Write down attempts, move their deliveries on and renew the lease, in one transaction.

    The worker records a few at a time: an attempt made but not yet recorded when a worker
    dies is made again (at least once), never lost.
    """
    if not results:
        return
    attempts = []
    moves = []
    for result in results:
        outcome, attempt = result.outcome, result.due.attempts + 1
        status = "succeeded" if outcome.succeeded else "pending"
        if not outcome.succeeded and outcome.next_attempt_at is None:
            status = "failed"
        attempts.append(
            {
                "endpoint_id": endpoint_id,
                "event_id": result.due.event_id,
                "event_type": result.due.event_type,
                "attempt": attempt,
                "attempted_at": result.at,
                "response_status": outcome.status,
                "error": outcome.error,
                "duration_ms": outcome.duration_ms,
            }
        )
        moves.append(
            {
                "delivery": result.due.delivery_id,
                "new_status": status,
                "new_attempts": attempt,
                "next_at": outcome.next_attempt_at or result.at,
            }
        )
    last = results[-1]
    endpoint: dict[str, object] = {
        "lease_until": last.at + lease,
        "failing_since": last.outcome.failing_since,
    }
    if last.outcome.disable:
        endpoint.update(enabled=False, disabled_reason=last.outcome.disable, lease_until=None)
    d = _deliveries.c
    move = (
        update(_deliveries)
        .where(d.id == bindparam("delivery"))
        .values(
            status=bindparam("new_status"),
            attempts=bindparam("new_attempts"),
            next_attempt_at=bindparam("next_at"),
        )
    )
    async with writing(engine) as connection:
        await connection.execute(insert(_attempts), attempts)
        await connection.execute(move, moves)
        await connection.execute(
            update(_endpoints).where(_endpoints.c.id == endpoint_id).values(**endpoint)
        )


async def release(engine: AsyncEngine, *, endpoint_id: str) -> None:
    async with writing(engine) as connection:
        await connection.execute(
            update(_endpoints).where(_endpoints.c.id == endpoint_id).values(lease_until=None)
        )
