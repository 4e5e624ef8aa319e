"""Write transactions: commit on success, roll back on error, in exactly one place.

SQLite admits one writer at a time. Letting every request race for its lock makes the losers
sleep in the driver's busy handler while the winner may be waiting for the event loop, and under
load some give up with "database is locked". Queuing writers on an asyncio lock instead hands
the database to them in turn; PostgreSQL needs no such help.
"""

import asyncio
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Select
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.errors import OutcomeUnknown, is_database_down

_sqlite_writers: "weakref.WeakKeyDictionary[Engine, asyncio.Lock]" = weakref.WeakKeyDictionary()


def sqlite_write_lock(engine: AsyncEngine) -> asyncio.Lock:
    """The lock every in-process writer of this SQLite database queues on."""
    return _sqlite_writers.setdefault(engine.sync_engine, asyncio.Lock())


async def any_row(engine: AsyncEngine, statement: Select[Any]) -> bool:
    """Whether `statement` finds a row, read without the write lock: for the worker's passes,
    which look whether there is anything to do before they write. On SQLite the lock they
    would take is the one every request's write queues on, and it is held across each of the
    transaction's hops to the driver's thread, each waiting for the event loop: a pass with
    nothing to do held closeouts up by a hundred milliseconds at a time."""
    async with engine.connect() as connection:
        return (await connection.execute(statement.limit(1))).first() is not None


@asynccontextmanager
async def writing(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    if engine.dialect.name != "sqlite":
        # A server that stops answering during COMMIT may have committed or not; the client
        # must not be told that nothing was stored. (SQLite commits in-process: a failed
        # commit there has not happened.)
        committing = False
        try:
            async with engine.begin() as connection:
                yield connection
                committing = True
        except Exception as error:
            if committing and is_database_down(error) and not isinstance(error, OutcomeUnknown):
                raise OutcomeUnknown(type(error).__name__) from error
            raise
        return
    async with sqlite_write_lock(engine), engine.begin() as connection:
        yield connection
