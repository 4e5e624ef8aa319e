"""Work done on a schedule by every replica: purging expired idempotency records and, with
RETENTION_DAYS, erasing old declines. Each run is one idempotent transaction, so replicas doing
it at the same time only repeat each other."""

import asyncio
import contextlib
import logging
import sqlite3
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import Settings
from app.db import WalState, checkpoint_sqlite, wal_limit_bytes
from app.errors import Throttled, error_kinds, is_database_down
from app.store import declines as repository

logger = logging.getLogger("gracious")


async def maintain(engine: AsyncEngine, settings: Settings, stop: asyncio.Event) -> None:
    """Purge now, then every MAINTENANCE_INTERVAL_SECONDS, until `stop` is set.

    Stopped by the event, not cancelled: a purge cut off mid-statement would leave the SQLite
    driver's thread answering a loop that may be gone.
    """
    retention = timedelta(days=settings.retention_days) if settings.retention_days else None
    log = Throttled(60.0)
    while not stop.is_set():
        try:
            await repository.purge(engine, now=datetime.now(UTC), retention=retention)
        except Exception as error:
            if not is_database_down(error):
                logger.error("maintenance failed: %s", error_kinds(error))
            else:
                log.warning("maintenance postponed, database unavailable: %s", error_kinds(error))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.maintenance_interval_seconds)


async def checkpoint(settings: Settings, writers: asyncio.Lock, stop: asyncio.Event) -> None:
    """On SQLite, checkpoint the WAL in a thread every SQLITE_CHECKPOINT_SECONDS (no writer
    does: see app.db.sqlite_pragmas), until `stop` is set, then once more. `writers` is the
    lock this process's writers queue on (app.store.transaction.sqlite_write_lock)."""
    log = Throttled(60.0)
    limit = wal_limit_bytes(settings)
    while True:
        stopping = stop.is_set()
        try:
            wal = await asyncio.to_thread(checkpoint_sqlite, settings, "PASSIVE")
            if wal.bytes >= limit and (await _restart(settings, writers)).busy:
                log.warning("the WAL did not start over: a reader stayed in it past the wait")
        except sqlite3.Error as error:
            log.warning("checkpoint postponed: %s", type(error).__name__)
        if stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.sqlite_checkpoint_seconds)


async def _restart(settings: Settings, writers: asyncio.Lock) -> WalState:
    """Make the next writer start the WAL over.

    Under a steady stream of writes some land during every PASSIVE pass, so the WAL never
    started over by itself and grew by everything written: 1.6 GB after a minute of batches
    (docs/performance.md). A RESTART pass has to hold writers off while it copies (and
    fsyncs) what is left: 10-45 ms under 16 connections of single POSTs. This process's
    writers wait on their lock meanwhile, in turn as they always do, rather than sleep in
    SQLite's busy handler and wake up to 15 ms after it is done. One more PASSIVE pass first
    copies what was written during the last, holding no one up; more passes did not leave
    less (each finds about as much again), so there is one."""
    await asyncio.to_thread(checkpoint_sqlite, settings, "PASSIVE")
    async with writers:
        return await asyncio.to_thread(checkpoint_sqlite, settings, "RESTART")
