"""Declines: Core statements over one table.

Each function runs in its own short transaction (commit on success, rollback on error), since
every operation is one statement; the ORM is skipped on this path because it costs more than
it gives for a single-table document store.
"""

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic_core import to_json
from sqlalchemy import ColumnElement, Select, Table, delete, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import ids
from app.follow_through import NewFollowUp
from app.models import DeclineRow, DeliveryAttempt, DeliveryRow, EventRow, FollowUpRow
from app.store import events, idempotency, pages
from app.store.driver import Driver, write_decline
from app.store.transaction import writing

_table: Table = DeclineRow.__table__  # type: ignore[assignment]
_follow_ups: Table = FollowUpRow.__table__  # type: ignore[assignment]
_events: Table = EventRow.__table__  # type: ignore[assignment]
_deliveries: Table = DeliveryRow.__table__  # type: ignore[assignment]
_attempts: Table = DeliveryAttempt.__table__  # type: ignore[assignment]
_CURSOR_PREFIX = "c1:"


@dataclass(frozen=True, slots=True)
class NewDecline:
    id: str
    tenant_id: str
    created_at: datetime
    stage: str
    reason: str
    company: str
    search_fields: tuple[str | None, ...]
    document: str
    # Its decline.created event (the outbox) and its follow-ups as things to do.
    event_id: str
    follow_ups: tuple[NewFollowUp, ...] = ()
    closeout_id: str | None = None


@dataclass(frozen=True, slots=True)
class LogQuery:
    tenant_id: str
    stage: str | None = None
    reason: str | None = None
    company: str | None = None
    q: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    closeout_id: str | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class LogPage:
    documents: list[str]
    next_cursor: str | None


def encode_cursor(last_id: str) -> str:
    return base64.urlsafe_b64encode((_CURSOR_PREFIX + last_id).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise pages.InvalidCursor(cursor) from error
    last_id = raw.removeprefix(_CURSOR_PREFIX)
    if not raw.startswith(_CURSOR_PREFIX) or not ids.is_well_formed(last_id):
        raise pages.InvalidCursor(cursor)
    return last_id


def company_key(company: str) -> str:
    return company.casefold()


def write_values(decline: NewDecline, key_id: str) -> dict[str, object]:
    """The bound values of a single create's statements (driver.decline_statements): the
    decline's row, its follow-ups' rows prefixed `f0_`, `f1_`, ... and its event's `e_`."""
    values: dict[str, object] = {"key_id": key_id, **row_values(decline)}
    for follow_up in follow_up_rows(decline):
        prefix = f"f{follow_up['position']}_"
        values.update({prefix + column: value for column, value in follow_up.items()})
    values.update({"e_" + column: value for column, value in event_row(decline).items()})
    return values


def follow_up_rows(decline: NewDecline) -> list[dict[str, object]]:
    """The decline's follow-ups' rows in the follow_ups table: scheduled, due once."""
    return [
        {
            "id": follow_up.id,
            "tenant_id": decline.tenant_id,
            "decline_id": decline.id,
            "position": follow_up.position,
            "kind": follow_up.kind,
            "send_after_days": follow_up.send_after_days,
            "subject": follow_up.subject,
            "text": follow_up.text,
            "due_at": follow_up.due_at,
            "status": "scheduled",
            "schedule": 1,
            "due_pending": True,
            "updated_at": decline.created_at,
        }
        for follow_up in decline.follow_ups
    ]


def event_row(decline: NewDecline) -> dict[str, object]:
    """Its decline.created event's row but `fanned_out`, which the insert works out (see
    driver.insert_event); the data is the stored document itself, read by a join."""
    return {
        "id": decline.event_id,
        "tenant_id": decline.tenant_id,
        "type": "decline.created",
        "created_at": decline.created_at,
        "decline_id": decline.id,
        "data": None,
        "dedup_key": None,
    }


async def add(driver: Driver, decline: NewDecline, *, key_id: str) -> bool:
    """Store the decline with its follow-ups and its decline.created event if the key `key_id`
    is still live; False, with nothing stored, if it was revoked. The driver's hot path."""
    return await driver.insert_decline(write_values(decline, key_id), len(decline.follow_ups))


async def add_keyed(
    connection: AsyncConnection,
    decline: NewDecline,
    *,
    key_id: str,
    location: str,
    idempotency_key: str,
) -> bool:
    """As `add`, in the transaction that claimed the Idempotency-Key, with the response that
    announces the decline stored beside it."""
    written = await write_decline(
        connection, write_values(decline, key_id), len(decline.follow_ups)
    )
    if not written:
        return False
    await idempotency.complete(
        connection,
        tenant_id=decline.tenant_id,
        key=idempotency_key,
        status=201,
        location=location,
        body=decline.document,
    )
    return True


def row_values(decline: NewDecline) -> dict[str, object]:
    """The decline's row in the declines table."""
    return {
        "id": decline.id,
        "tenant_id": decline.tenant_id,
        "created_at": decline.created_at,
        "stage": decline.stage,
        "reason": decline.reason,
        "company": decline.company,
        "company_key": company_key(decline.company),
        "search_text": "\n".join(field.casefold() for field in decline.search_fields if field),
        "document": decline.document,
        "closeout_id": decline.closeout_id,
    }


async def get(engine: AsyncEngine, *, tenant_id: str, decline_id: str) -> str | None:
    if not ids.is_well_formed(decline_id):
        return None
    async with engine.connect() as connection:
        result = await connection.execute(
            select(_table.c.document).where(
                _table.c.id == decline_id, _table.c.tenant_id == tenant_id
            )
        )
        return result.scalar_one_or_none()


async def remove(engine: AsyncEngine, *, tenant_id: str, decline_id: str, now: datetime) -> bool:
    """Erase the decline and every stored copy of it, and record decline.deleted (its id only)."""
    if not ids.is_well_formed(decline_id):
        return False
    async with writing(engine) as connection:
        erased = await erase(
            connection, tenant_id=tenant_id, which=_table.c.id == decline_id, now=now
        )
        return bool(erased)


async def erase(
    connection: AsyncConnection, *, tenant_id: str, which: ColumnElement[bool], now: datetime
) -> list[str]:
    """Inside the caller's transaction: erase the tenant's declines that `which` picks, with
    every stored copy of them and the responses that announced them, and record
    decline.deleted (its id only) for each; their ids."""
    deleted = await connection.execute(
        delete(_table).where(_table.c.tenant_id == tenant_id, which).returning(_table.c.id)
    )
    decline_ids = list(deleted.scalars())
    if not decline_ids:
        return []
    await _erase_copies(connection, decline_ids)
    await idempotency.erase_responses(
        connection,
        tenant_id=tenant_id,
        locations=[location_of(decline_id) for decline_id in decline_ids],
        decline_ids=decline_ids,
    )
    for decline_id in decline_ids:
        await events.record(
            connection,
            tenant_id=tenant_id,
            event_type="decline.deleted",
            now=now,
            data=to_json({"id": decline_id}).decode(),
            decline_id=None,
        )
    return decline_ids


async def _erase_copies(connection: AsyncConnection, declines: Select[Any] | Sequence[str]) -> None:
    """Every copy of these declines but their rows: their follow-ups, and their events with
    the deliveries and attempts queued for them (each event carries its decline's text)."""
    await connection.execute(delete(_follow_ups).where(_follow_ups.c.decline_id.in_(declines)))
    about = select(_events.c.id).where(_events.c.decline_id.in_(declines))
    await connection.execute(delete(_attempts).where(_attempts.c.event_id.in_(about)))
    await connection.execute(delete(_deliveries).where(_deliveries.c.event_id.in_(about)))
    await connection.execute(delete(_events).where(_events.c.decline_id.in_(declines)))


def location_of(decline_id: str) -> str:
    return f"/v1/declines/{decline_id}"


async def purge(engine: AsyncEngine, *, now: datetime, retention: timedelta | None) -> None:
    """Erase declines older than `retention` (None: keep them), with every copy of them, and
    expired idempotency records.

    Idempotency records live 24 hours and retention is at least a day, so the records that
    announced a decline old enough to go have always gone by then too.
    """
    async with writing(engine) as connection:
        if retention is not None:
            cutoff = ids.id_floor(now - retention)
            await _erase_copies(connection, select(_table.c.id).where(_table.c.id < cutoff))
            await connection.execute(delete(_table).where(_table.c.id < cutoff))
        await idempotency.purge_expired(connection, now=now)


def log_conditions(query: LogQuery) -> list[ColumnElement[bool]]:
    c = _table.c
    conditions: list[ColumnElement[bool]] = [c.tenant_id == query.tenant_id]
    if query.stage:
        conditions.append(c.stage == query.stage)
    if query.reason:
        conditions.append(c.reason == query.reason)
    if query.company:
        conditions.append(c.company_key == company_key(query.company))
    if query.q:
        conditions.append(c.search_text.contains(query.q.casefold(), autoescape=True))
    # Ids start with their creation time, so time bounds also narrow the primary-key scan.
    # Times are compared in UTC: SQLite keeps them as offset-less text.
    if query.created_after:
        after = query.created_after.astimezone(UTC)
        conditions.append(c.id >= ids.id_floor(after))
        conditions.append(c.created_at > after)
    if query.created_before:
        before = query.created_before.astimezone(UTC)
        conditions.append(c.id < ids.id_floor(before + timedelta(milliseconds=1)))
        conditions.append(c.created_at < before)
    if query.closeout_id:
        conditions.append(c.closeout_id == query.closeout_id)
    if query.cursor:
        conditions.append(c.id < decode_cursor(query.cursor))
    return conditions


async def page(engine: AsyncEngine, query: LogQuery) -> LogPage:
    """Newest first, keyset-paginated on the id: no OFFSET, no COUNT."""
    statement = (
        select(_table.c.id, _table.c.document)
        .where(*log_conditions(query))
        .order_by(_table.c.id.desc())
        .limit(query.limit + 1)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    more = len(rows) > query.limit
    rows = rows[: query.limit]
    next_cursor = encode_cursor(rows[-1].id) if more else None
    return LogPage(documents=[row.document for row in rows], next_cursor=next_cursor)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.exec_driver_sql("SELECT 1")
