"""The async engine: created in the app's lifespan, tuned per database."""

import sqlite3
from typing import Any, Literal, NamedTuple

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from app.config import Settings

# A frame of the WAL is one page and its 24-byte header.
_WAL_FRAME_HEADER_BYTES = 24
# How long a RESTART pass may wait for readers to leave the WAL, every writer held up
# meanwhile; past it the pass gives up and a later one tries again. Short, because a count
# over a million rows reads for most of a second.
_RESTART_WAIT_MS = 100


class WalState(NamedTuple):
    """What a checkpoint pass left: frames in the WAL, frames copied into the database, their
    size, and whether a RESTART pass gave up waiting (the WAL then does not start over yet)."""

    frames: int
    checkpointed: int
    bytes: int
    busy: bool


def sqlite_pragmas(settings: Settings) -> tuple[str, ...]:
    """What every SQLite connection the service opens runs first.

    WAL lets readers run beside the one writer, and with synchronous=NORMAL a commit survives
    a crash of the process without waiting on fsync. No writer checkpoints: the commit that
    filled the WAL to 1,000 pages (a closeout or two) used to copy them back into the database
    and fsync it on the event loop, stalling every request for tens of milliseconds; the
    server's checkpointer does it in a thread (checkpoint_sqlite). The writer that starts the
    WAL over cuts its file back to SQLITE_WAL_LIMIT_MB: without a limit the file keeps the
    size of its largest burst."""
    return (
        "PRAGMA journal_mode=WAL",
        "PRAGMA synchronous=NORMAL",
        "PRAGMA foreign_keys=ON",
        "PRAGMA wal_autocheckpoint=0",
        f"PRAGMA journal_size_limit={wal_limit_bytes(settings)}",
    )


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def checkpoint_sqlite(settings: Settings, mode: Literal["PASSIVE", "RESTART"]) -> WalState:
    """One checkpoint pass on a connection of its own. Blocking: run it in a thread.

    PASSIVE copies the frames there when it begins into the database, waiting for no one;
    once every frame is in, the next writer starts the WAL over. RESTART takes the write lock
    (this process's writers are held off it meanwhile: app.maintenance._restart), copies the
    rest and waits for readers to leave the WAL, so that the next writer starts it over."""
    path = make_url(settings.database_url).database or ""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        wait = settings.sqlite_busy_timeout_ms if mode == "PASSIVE" else _RESTART_WAIT_MS
        connection.execute(f"PRAGMA busy_timeout={int(wait)}")
        busy, frames, checkpointed = connection.execute(f"PRAGMA wal_checkpoint({mode})").fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    finally:
        connection.close()
    frame_bytes = int(page_size) + _WAL_FRAME_HEADER_BYTES
    return WalState(int(frames), int(checkpointed), int(frames) * frame_bytes, bool(busy))


def wal_limit_bytes(settings: Settings) -> int:
    return settings.sqlite_wal_limit_mb * 1024 * 1024


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
        _tune_sqlite(engine, settings)
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


def _tune_sqlite(engine: AsyncEngine, settings: Settings) -> None:
    pragmas = sqlite_pragmas(settings)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # busy_timeout makes concurrent writers wait their turn instead of failing with
        # "database is locked".
        cursor = dbapi_connection.cursor()
        for pragma in pragmas:
            cursor.execute(pragma)
        cursor.execute(f"PRAGMA busy_timeout={int(settings.sqlite_busy_timeout_ms)}")
        cursor.close()
