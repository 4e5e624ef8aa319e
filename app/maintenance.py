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
from app.db import checkpoint_sqlite
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


async def checkpoint(settings: Settings, stop: asyncio.Event) -> None:
    """On SQLite, checkpoint the WAL in a thread every SQLITE_CHECKPOINT_SECONDS (no writer
    does: see app.db.SQLITE_PRAGMAS), until `stop` is set, then once more."""
    log = Throttled(60.0)
    while True:
        stopping = stop.is_set()
        try:
            await asyncio.to_thread(checkpoint_sqlite, settings)
        except sqlite3.Error as error:
            log.warning("checkpoint postponed: %s", type(error).__name__)
        if stopping:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), settings.sqlite_checkpoint_seconds)
