"""Many declines in one transaction: batches and offer closeouts, all stored or none.

Each decline is stored with the rows a single create stores (app/store/declines.py): its own,
its follow-ups' and its decline.created event's. They are written on the raw driver
(app/store/driver.py, write_many): one executemany per table in one transaction, after reading
the key's row FOR SHARE, so a revocation waits for the write and nothing is stored for a key
revoked before it (SQLite has one writer at a time anyway). Through the engine, SQLAlchemy's
per-row parameter processing and the SQLite thread hop cost about as much as composing the
declines.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app import ids
from app.models import Closeout, DeclineRow
from app.store import idempotency
from app.store.declines import NewDecline, erase, event_row, follow_up_rows, row_values
from app.store.driver import BulkWrite, Driver
from app.store.idempotency import Keyed
from app.store.transaction import writing

_declines: Table = DeclineRow.__table__  # type: ignore[assignment]
_closeouts: Table = Closeout.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Response:
    """The response to record under an Idempotency-Key, in the same transaction."""

    key: str
    status: int
    location: str | None
    body: str


@dataclass(frozen=True, slots=True)
class CloseoutRecord:
    id: str
    created_at: datetime


async def add_all(
    driver: Driver,
    declines: Sequence[NewDecline],
    *,
    tenant_id: str,
    key_id: str,
    closeout: CloseoutRecord | None = None,
    response: Response | None = None,
    keyed: Keyed | None = None,
) -> bool:
    """Store every decline (and the closeout they belong to, and the idempotent response) if
    the key `key_id` is live; False, with nothing stored, if it was revoked.

    Under an Idempotency-Key (`keyed`) they are written in the transaction that claimed it;
    otherwise on the raw driver, in one of their own."""
    writes: list[BulkWrite] = []
    if closeout is not None:
        writes.append(
            (
                "closeouts",
                [{"id": closeout.id, "tenant_id": tenant_id, "created_at": closeout.created_at}],
            )
        )
    writes.append(("declines", [row_values(decline) for decline in declines]))
    follow_ups = [row for decline in declines for row in follow_up_rows(decline)]
    writes.append(("follow_ups", follow_ups))
    writes.append(("events", [event_row(decline) for decline in declines]))
    if response is not None:
        completed = {
            "of_tenant": tenant_id,
            "of_key": response.key,
            "status": response.status,
            "location": response.location,
            "body": response.body,
        }
        writes.append(("idempotency_keys", [completed]))
    if keyed is None:
        return await driver.write_many(key_id, writes)
    return await driver.write_many_in(keyed.connection, key_id, writes)


async def closeout_documents(
    engine: AsyncEngine, *, tenant_id: str, closeout_id: str
) -> list[str] | None:
    """The documents of the closeout's declines, in the order they were made; None if there is
    no such closeout."""
    if not ids.is_closeout_id(closeout_id):
        return None
    async with engine.connect() as connection:
        found = (
            await connection.execute(
                select(_closeouts.c.id).where(
                    _closeouts.c.id == closeout_id, _closeouts.c.tenant_id == tenant_id
                )
            )
        ).scalar_one_or_none()
        if found is None:
            return None
        documents = (
            await connection.execute(
                select(_declines.c.document)
                .where(_declines.c.tenant_id == tenant_id, _declines.c.closeout_id == closeout_id)
                .order_by(_declines.c.id)
            )
        ).scalars()
        return list(documents)


async def remove_closeout(
    engine: AsyncEngine, *, tenant_id: str, closeout_id: str, now: datetime
) -> bool:
    """Erase the closeout and every decline made in it, each as a single delete erases it."""
    if not ids.is_closeout_id(closeout_id):
        return False
    async with writing(engine) as connection:
        result = await connection.execute(
            delete(_closeouts).where(
                _closeouts.c.id == closeout_id, _closeouts.c.tenant_id == tenant_id
            )
        )
        if result.rowcount == 0:
            return False
        await erase(
            connection,
            tenant_id=tenant_id,
            which=_declines.c.closeout_id == closeout_id,
            now=now,
        )
        await idempotency.erase_responses(
            connection, tenant_id=tenant_id, locations=[f"/v1/closeouts/{closeout_id}"]
        )
        return True
