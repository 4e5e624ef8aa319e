"""Follow-ups as things to do: the list, changes by their owner, and coming due.

Every change is written with its `follow_up.updated` event and the decline's stored document
in one transaction, so the document, the follow-up and the event never disagree.
"""

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from pydantic_core import to_json
from sqlalchemy import ColumnElement, Select, Table, and_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app import ids
from app.follow_through import FOLLOW_UP_PREFIX, read_status
from app.models import DUE_QUEUE, DeclineRow, EventRow, FollowUpRow
from app.store import events, pages
from app.store.times import utc
from app.store.transaction import any_row, writing

_table: Table = FollowUpRow.__table__  # type: ignore[assignment]
_declines: Table = DeclineRow.__table__  # type: ignore[assignment]
_events: Table = EventRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class FollowUp:
    id: str
    decline_id: str
    position: int
    kind: str
    send_after_days: int
    subject: str
    text: str
    due_at: datetime
    status: str  # as a reader sees it now: "due" is worked out
    updated_at: datetime

    def as_json(self) -> str:
        fields = {
            "id": self.id,
            "decline_id": self.decline_id,
            "kind": self.kind,
            "send_after_days": self.send_after_days,
            "subject": self.subject,
            "text": self.text,
            "due_at": self.due_at,
            "status": self.status,
            "updated_at": self.updated_at,
        }
        return to_json(fields).decode()


def _follow_up(row: object, now: datetime) -> FollowUp:
    r = row
    due_at = utc(r.due_at)  # type: ignore[attr-defined]
    return FollowUp(
        id=r.id,  # type: ignore[attr-defined]
        decline_id=r.decline_id,  # type: ignore[attr-defined]
        position=r.position,  # type: ignore[attr-defined]
        kind=r.kind,  # type: ignore[attr-defined]
        send_after_days=r.send_after_days,  # type: ignore[attr-defined]
        subject=r.subject,  # type: ignore[attr-defined]
        text=r.text,  # type: ignore[attr-defined]
        due_at=due_at,
        status=read_status(r.status, due_at, now),  # type: ignore[attr-defined]
        updated_at=utc(r.updated_at),  # type: ignore[attr-defined]
    )


@dataclass(frozen=True, slots=True)
class Query:
    tenant_id: str
    now: datetime
    status: str | None = None
    kind: str | None = None
    decline_id: str | None = None
    due_before: datetime | None = None
    due_after: datetime | None = None
    limit: int = 20
    cursor: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    items: list[FollowUp]
    next_cursor: str | None


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    moment, last_id = pages.decode("fup", cursor, 2)
    try:
        due_at = datetime.fromisoformat(moment)
    except ValueError:
        raise pages.InvalidCursor(cursor) from None
    if due_at.tzinfo is None or not ids.is_well_formed(last_id, FOLLOW_UP_PREFIX):
        raise pages.InvalidCursor(cursor)
    return due_at.astimezone(UTC), last_id


def page_statement(query: Query) -> Select[Any]:
    """Soonest due first, keyset-paginated on (due_at, id): every filter is a range of one of
    the (tenant, [status,] due_at, id) indexes, so a page costs the same at any size."""
    c = _table.c
    now = query.now.astimezone(UTC)
    conditions = [c.tenant_id == query.tenant_id]
    if query.status == "due":
        conditions += [c.status == "scheduled", c.due_at <= now]
    elif query.status == "scheduled":
        conditions += [c.status == "scheduled", c.due_at > now]
    elif query.status:
        conditions.append(c.status == query.status)
    if query.kind:
        conditions.append(c.kind == query.kind)
    if query.decline_id:
        conditions.append(c.decline_id == query.decline_id)
    if query.due_before:
        conditions.append(c.due_at < query.due_before.astimezone(UTC))
    if query.due_after:
        conditions.append(c.due_at > query.due_after.astimezone(UTC))
    if query.cursor:
        due_at, last_id = decode_cursor(query.cursor)
        conditions.append(tuple_(c.due_at, c.id) > tuple_(due_at, last_id))
    return select(_table).where(*conditions).order_by(c.due_at, c.id).limit(query.limit + 1)


async def page(engine: AsyncEngine, query: Query) -> Page:
    async with engine.connect() as connection:
        rows = (await connection.execute(page_statement(query))).all()
    now = query.now.astimezone(UTC)
    items = [_follow_up(row, now) for row in rows[: query.limit]]
    next_cursor = None
    if len(rows) > query.limit:
        last = items[-1]
        next_cursor = pages.encode("fup", last.due_at.isoformat(), last.id)
    return Page(items, next_cursor)


async def _row(connection: AsyncConnection, tenant_id: str, follow_up_id: str) -> object | None:
    if not ids.is_well_formed(follow_up_id, FOLLOW_UP_PREFIX):
        return None
    found = await connection.execute(
        select(_table).where(_table.c.id == follow_up_id, _table.c.tenant_id == tenant_id)
    )
    return found.first()


async def get(
    engine: AsyncEngine, *, tenant_id: str, follow_up_id: str, now: datetime
) -> FollowUp | None:
    async with engine.connect() as connection:
        row = await _row(connection, tenant_id, follow_up_id)
    return None if row is None else _follow_up(row, now)


@dataclass(frozen=True, slots=True)
class Change:
    due_at: datetime | None = None
    status: str | None = None  # scheduled, sent or skipped
    subject: str | None = None
    text: str | None = None


async def change(
    engine: AsyncEngine, *, tenant_id: str, follow_up_id: str, change: Change, now: datetime
) -> FollowUp | None:
    """Apply a change, keep the decline's document in step and record follow_up.updated.

    A new due_at, or going back to scheduled, starts a new schedule: that one comes due (and
    emits follow_up.due) again; sent and skipped leave the due queue.
    """
    async with writing(engine) as connection:
        row = await _row(connection, tenant_id, follow_up_id)
        if row is None:
            return None
        values: dict[str, object] = {"updated_at": now}
        status = change.status or row.status  # type: ignore[attr-defined]
        if change.due_at is not None:
            values["due_at"] = change.due_at.astimezone(UTC)
        if change.status is not None:
            values["status"] = change.status
        if change.due_at is not None or change.status == "scheduled":
            values["schedule"] = row.schedule + 1  # type: ignore[attr-defined]
        values["due_pending"] = status == "scheduled" and (
            "schedule" in values or bool(row.due_pending)  # type: ignore[attr-defined]
        )
        if change.subject is not None:
            values["subject"] = change.subject
        if change.text is not None:
            values["text"] = change.text
        await connection.execute(update(_table).where(_table.c.id == follow_up_id).values(**values))
        changed = await _row(connection, tenant_id, follow_up_id)
        assert changed is not None
        follow_up = _follow_up(changed, now)
        await _keep_document(connection, follow_up, stored_status=status)
        await events.record(
            connection,
            tenant_id=tenant_id,
            event_type="follow_up.updated",
            now=now,
            data=follow_up.as_json(),
            decline_id=follow_up.decline_id,
        )
    return follow_up


async def _keep_document(
    connection: AsyncConnection, follow_up: FollowUp, *, stored_status: str
) -> None:
    found = await connection.execute(
        select(_declines.c.document).where(_declines.c.id == follow_up.decline_id)
    )
    document = json.loads(found.scalar_one())
    entry = document["messages"]["follow_ups"][follow_up.position]
    # The document keeps the stored status; readers see "due" worked out (follow_through.as_of).
    entry.update(
        subject=follow_up.subject,
        text=follow_up.text,
        due_at=follow_up.due_at,
        status=stored_status,
    )
    await connection.execute(
        update(_declines)
        .where(_declines.c.id == follow_up.decline_id)
        .values(document=to_json(document).decode())
    )


async def stored_request(
    engine: AsyncEngine, *, tenant_id: str, follow_up_id: str
) -> tuple[dict[str, object], int, str] | None:
    """The request of the follow-up's decline as stored, its position and kind."""
    async with engine.connect() as connection:
        row = await _row(connection, tenant_id, follow_up_id)
        if row is None:
            return None
        found = await connection.execute(
            select(_declines.c.document).where(
                _declines.c.id == row.decline_id  # type: ignore[attr-defined]
            )
        )
        document = json.loads(found.scalar_one())
    return document["request"], row.position, row.kind  # type: ignore[attr-defined]


def come_due(now: datetime) -> ColumnElement[bool]:
    """The follow-ups to emit as due at `now`, read through the due queue's partial index (the
    worker's pass and its look for work ask the same question)."""
    return and_(DUE_QUEUE, _table.c.due_at <= now)


async def emit_due(engine: AsyncEngine, *, now: datetime, batch: int = 200) -> int:
    """Record follow_up.due for each follow-up whose time has come; how many.

    The event's dedup key is the follow-up and its schedule, unique in the table: a follow-up
    comes due once per schedule, whatever two workers do at the same moment.
    """
    now = now.astimezone(UTC)
    c = _table.c
    if not await any_row(engine, select(c.id).where(come_due(now))):
        return 0
    async with writing(engine) as connection:
        picked = await connection.execute(
            select(_table)
            .where(come_due(now))
            .order_by(c.due_at)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
        rows = picked.all()
        if not rows:
            return 0
        dialect = connection.dialect.name
        make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
        for row in rows:
            follow_up = replace(_follow_up(row, now), status="due")
            statement = make_insert(_events).values(
                id=ids.new_id(now, events.EVENT_PREFIX),
                tenant_id=row.tenant_id,
                type="follow_up.due",
                created_at=now,
                decline_id=row.decline_id,
                data=follow_up.as_json(),
                dedup_key=f"{row.id}:{row.schedule}",
                fanned_out=False,
            )
            await connection.execute(statement.on_conflict_do_nothing(index_elements=["dedup_key"]))
        await connection.execute(
            update(_table).where(c.id.in_([row.id for row in rows])).values(due_pending=False)
        )
        return len(rows)
