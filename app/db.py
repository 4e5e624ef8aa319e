"""The async engine: created in the app's lifespan, tuned per database."""

import sqlite3
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.config import Settings

# Every SQLite connection the service opens: WAL lets readers run beside the one writer, and
# with synchronous=NORMAL a commit survives a crash of the process without waiting on fsync.
# No writer checkpoints: the commit that filled the WAL to 1,000 pages (a closeout or two) used
# to copy them back into the database and fsync it on the event loop, stalling every request
# for tens of milliseconds; the server's checkpointer does it in a thread (checkpoint_sqlite).
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA wal_autocheckpoint=0",
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def checkpoint_sqlite(settings: Settings) -> tuple[int, int]:
    """Copy what the WAL holds back into the database, without waiting for readers or
    writers (PASSIVE), on a connection of its own; (frames in the WAL, frames checkpointed).
    Blocking: run it in a thread. Once every frame is in, the next writer starts the WAL over.
    Under a steady stream of writes a pass rarely finds every frame in (writes land during
    it), so the WAL can keep growing: 1.6 GB after a minute of batches was measured, see
    docs/performance.md. Not fixed yet."""
    path = make_url(settings.database_url).database or ""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        _busy, frames, checkpointed = connection.execute(
            "PRAGMA wal_checkpoint(PASSIVE)"
        ).fetchone()
    finally:
        connection.close()
    return int(frames), int(checkpointed)


def create_engine(settings: Settings) -> AsyncEngine:
    url = settings.database_url
    if is_sqlite(url):
        engine = create_async_engine(
            url,
            # Statements' values are personal text: never in an error message, so never logged.
            hide_parameters=True,
            connect_args={"timeout": settings.sqlite_busy_timeout_ms / 1000},
            pool_timeout=settings.db_pool_timeout_seconds,
        )
        _tune_sqlite(engine, settings.sqlite_busy_timeout_ms)
        return engine
    return create_async_engine(
        url,
        hide_parameters=True,
        # No overflow: under load, overflow connections were opened and closed request by request.
        pool_size=settings.db_pool_size,
        max_overflow=0,
        # Queuing for a connection is load, not an outage: it gets its own, longer limit, so a
        # burst of traffic waits its turn instead of turning into 503s.
        pool_timeout=settings.db_pool_timeout_seconds,
        # A connection that died with the server is replaced, so the service heals by itself.
        pool_pre_ping=True,
        # A hung server costs two waits: the statement's, then asyncpg's cancel request (also
        # bounded by command_timeout); halving keeps the whole request within the timeout.
        connect_args={
            "timeout": settings.db_timeout_seconds / 2,
            "command_timeout": settings.db_timeout_seconds / 2,
            "server_settings": idle_session_settings(settings),
        },
    )


def idle_session_settings(settings: Settings) -> dict[str, str]:
    """The server ends our sessions left idle this long: a smart shutdown waits for every
    session to end, and a pool would otherwise keep its idle ones open indefinitely. A pooled
    connection the server closed is found by the engine's pre-ping and replaced."""
    return {"idle_session_timeout": str(int(settings.db_idle_seconds * 1000))}


def _tune_sqlite(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # busy_timeout makes concurrent writers wait their turn instead of failing with
        # "database is locked".
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()
