"""The hot path on the raw driver: the API-key look-up every request makes, and a plain insert.

Through SQLAlchemy's async engine each of these cost far more than the statement itself: a
greenlet bridge per call, a pre-ping round trip per checkout, BEGIN and COMMIT round trips
around a single statement, and on SQLite a thread hop per call. Here each is one prepared
statement on a pooled asyncpg connection (autocommit), or one call on a sqlite3 connection on
the event loop. The SQL is still SQLAlchemy's, compiled once from the models' tables for the
engine's dialect, with the dialect's own value conversions, so both paths write the same rows.

Everything else (the log, reads by id, erasure, idempotency, keys) stays on the engine.
"""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any, Protocol, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.expression import ClauseElement

from app.config import Settings
from app.db import SQLITE_PRAGMAS, idle_session_settings
from app.errors import DatabaseDown, OutcomeUnknown
from app.models import ApiKey, DeclineRow
from app.store.transaction import sqlite_write_lock

_declines: Table = DeclineRow.__table__  # type: ignore[assignment]
_keys: Table = ApiKey.__table__  # type: ignore[assignment]

KeyRow = tuple[str, str, str]  # id, tenant_id, secret_sha256
T = TypeVar("T")


class Driver(Protocol):
    async def find_key(self, digest: str) -> KeyRow | None:
        """The live (not revoked) key with this secret digest."""

    async def insert_decline(self, values: Mapping[str, object]) -> bool:
        """Insert one row into declines if the key `values["key_id"]` is live; False if not.

        Committed when this returns.
        """

    async def close(self) -> None: ...


class StatementFailed(Exception):
    """A statement the database refused; only its kind, since the driver's message (kept out
    of this error and its traceback) may quote the values it was given."""


class _Statement:
    """A Core statement compiled once: its SQL, and its parameters in order with converters."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, table: Table | None = None):
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        converters: dict[str, Callable[[Any], Any]] = {}
        for column in table.columns if table is not None else ():
            process = column.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                converters[column.key] = process
        self._converters = converters

    def parameters(self, values: Mapping[str, object]) -> list[object]:
        convert = self._converters
        return [
            convert[name](values[name]) if name in convert else values[name] for name in self.names
        ]


def insert_while_key_is_live() -> Insert:
    """INSERT INTO declines ... SELECT the values WHERE the key `key_id` is not revoked.

    Storing and checking the key in one statement lets a write skip the key look-up (see
    app.store.keys.KnownKeys) without ever storing anything for a key revoked meanwhile.
    """
    columns = list(_declines.columns)
    live_key = (
        select(_keys.c.id)
        .where(_keys.c.id == bindparam("key_id"), _keys.c.revoked_at.is_(None))
        .exists()
    )
    values = select(*(bindparam(column.key, type_=column.type) for column in columns))
    return insert(_declines).from_select(columns, values.where(live_key))


def _statements(dialect: Dialect) -> tuple[_Statement, _Statement]:
    find_key = select(_keys.c.id, _keys.c.tenant_id, _keys.c.secret_sha256).where(
        _keys.c.secret_sha256 == bindparam("digest"), _keys.c.revoked_at.is_(None)
    )
    insert_decline = _Statement(insert_while_key_is_live(), dialect, _declines)
    return _Statement(find_key, dialect), insert_decline


async def open_driver(settings: Settings, engine: AsyncEngine) -> Driver:
    if engine.dialect.name == "sqlite":
        return SqliteDriver(settings, engine)
    return await PostgresDriver.open(settings, engine)


# A connection that has gone away, or a server that is not accepting any: 503, not 500.
_PG_DOWN = (
    OSError,  # refused, reset, timed out
    asyncpg.InterfaceError,  # includes ConnectionDoesNotExistError
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.CrashShutdownError,
    asyncpg.TooManyConnectionsError,
)
_CONNECTION_LOST = (asyncpg.ConnectionDoesNotExistError, ConnectionError)
# As in app.errors: the server cannot serve now (connection, resources, shutting down).
_UNAVAILABLE_SQLSTATES = ("08", "53", "57")


async def _no_reset(_connection: object) -> None:
    """The pool's reset hook, left empty on purpose.

    asyncpg's default reset runs a round trip on every release to undo session state (LISTEN,
    advisory locks, SET); this pool never creates any, and asyncpg still rolls back an open
    transaction itself before calling the hook.
    """


class PostgresDriver:
    def __init__(self, pool: asyncpg.Pool, dialect: Dialect, settings: Settings) -> None:
        self._pool = pool
        self._find_key, self._insert = _statements(dialect)
        self._acquire_timeout = settings.db_pool_timeout_seconds

    @classmethod
    async def open(cls, settings: Settings, engine: AsyncEngine) -> "PostgresDriver":
        dsn = make_url(settings.database_url).set(drivername="postgresql")
        pool = await asyncpg.create_pool(
            dsn.render_as_string(hide_password=False),
            # Connections are made on demand, so the service starts while the database is down.
            min_size=0,
            max_size=settings.db_pool_size,
            # As on the engine: a hung server costs the statement's wait, then the cancel's.
            timeout=settings.db_timeout_seconds / 2,
            command_timeout=settings.db_timeout_seconds / 2,
            reset=_no_reset,
            # Idle connections are closed before the server's idle_session_timeout would
            # (see app.db), so a smart shutdown of the server is never held open by them.
            max_inactive_connection_lifetime=settings.db_idle_seconds / 2,
            server_settings=idle_session_settings(settings),
        )
        return cls(pool, engine.dialect, settings)

    async def _run(
        self, call: Callable[[asyncpg.Connection], Awaitable[T]], *, writes: bool = False
    ) -> T:
        try:
            connection = await self._acquire()
        except _PG_DOWN as error:
            raise DatabaseDown(type(error).__name__) from error
        try:
            return await call(connection)
        except _PG_DOWN as error:
            # A write sent to a server that then stopped answering may have committed.
            down = OutcomeUnknown if writes else DatabaseDown
            raise down(type(error).__name__) from error
        except asyncpg.PostgresError as error:
            if (error.sqlstate or "").startswith(_UNAVAILABLE_SQLSTATES):
                down = OutcomeUnknown if writes else DatabaseDown
                raise down(type(error).__name__) from None
            raise StatementFailed(f"{type(error).__name__} (SQLSTATE {error.sqlstate})") from None
        except (asyncpg.DataError, ValueError, TypeError) as error:
            # asyncpg says which argument it could not encode, quoting its value.
            raise StatementFailed(type(error).__name__) from None
        finally:
            await self._pool.release(connection)

    async def _acquire(self) -> asyncpg.Connection:
        if self._pool.get_idle_size():
            # Nothing to queue for (a dropped connection is reopened within the connect timeout).
            return await self._pool.acquire()
        # Not acquire(timeout=...): that runs every acquisition through wait_for, a task of its
        # own, which cost a tenth of the write path in a profile.
        async with asyncio.timeout(self._acquire_timeout):
            return await self._pool.acquire()

    async def find_key(self, digest: str) -> KeyRow | None:
        sql = self._find_key.sql

        async def fetch(connection: asyncpg.Connection) -> KeyRow | None:
            row = await connection.fetchrow(sql, digest)
            return None if row is None else (row[0], row[1], row[2])

        try:
            return await self._run(fetch)
        except DatabaseDown as error:
            # A pooled connection the server dropped (a restart) is only found out by using it;
            # a read is safe to retry once on a fresh connection.
            if not isinstance(error.__cause__, _CONNECTION_LOST):
                raise
            return await self._run(fetch)

    async def insert_decline(self, values: Mapping[str, object]) -> bool:
        sql, parameters = self._insert.sql, self._insert.parameters(values)

        async def execute(connection: asyncpg.Connection) -> bool:
            status: str = await connection.execute(sql, *parameters)
            return status == "INSERT 0 1"

        return await self._run(execute, writes=True)

    async def close(self) -> None:
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._pool.close(), timeout=5)


class SqliteDriver:
    """One sqlite3 connection used on the event loop, never blocking it for long.

    In WAL mode with synchronous=NORMAL a look-up or an insert and its commit take tens of
    microseconds, far less than a hop to a worker thread. The connection waits for no lock
    (busy_timeout 0): in-process writers already queue on the shared asyncio lock, and when
    another process holds the database the call is retried in a worker thread that may wait
    the configured busy timeout, so the event loop itself never sleeps on a lock.
    """

    def __init__(self, settings: Settings, engine: AsyncEngine) -> None:
        self._path = make_url(settings.database_url).database or ""
        self._connection: sqlite3.Connection | None = None
        self._busy_timeout_ms = settings.sqlite_busy_timeout_ms
        self._write_lock = sqlite_write_lock(engine)
        self._find_key, self._insert = _statements(engine.dialect)
        # One caller at a time on the connection: a worker-thread retry must not overlap the loop.
        self._in_use = asyncio.Lock()

    def _connect(self) -> sqlite3.Connection:
        # Opened on first use, so the service starts (and says 503) when the file cannot be.
        if self._connection is None:
            connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            try:
                for pragma in SQLITE_PRAGMAS:
                    connection.execute(pragma)
                connection.execute("PRAGMA busy_timeout=0")
            except BaseException:
                connection.close()
                raise
            self._connection = connection
        return self._connection

    async def _run(self, call: Callable[[sqlite3.Connection], T]) -> T:
        async with self._in_use:
            try:
                return call(self._connect())
            except sqlite3.OperationalError as error:
                if not _is_busy(error):
                    raise DatabaseDown(str(error)) from error
            try:
                return await asyncio.to_thread(self._waiting, call)
            except sqlite3.OperationalError as error:
                raise DatabaseDown(str(error)) from error

    def _waiting(self, call: Callable[[sqlite3.Connection], T]) -> T:
        connection = self._connect()
        connection.execute(f"PRAGMA busy_timeout={int(self._busy_timeout_ms)}")
        try:
            return call(connection)
        finally:
            connection.execute("PRAGMA busy_timeout=0")

    async def find_key(self, digest: str) -> KeyRow | None:
        sql = self._find_key.sql

        def fetch(connection: sqlite3.Connection) -> KeyRow | None:
            row = connection.execute(sql, (digest,)).fetchone()
            return None if row is None else (row[0], row[1], row[2])

        return await self._run(fetch)

    async def insert_decline(self, values: Mapping[str, object]) -> bool:
        sql, parameters = self._insert.sql, self._insert.parameters(values)

        def execute(connection: sqlite3.Connection) -> bool:
            return _in_transaction(connection, sql, parameters) == 1

        async with self._write_lock:
            return await self._run(execute)

    async def close(self) -> None:
        async with self._in_use:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


def _in_transaction(connection: sqlite3.Connection, sql: str, parameters: Sequence[object]) -> int:
    """Run one write statement in its own transaction; the number of rows it changed."""
    # BEGIN IMMEDIATE takes the write lock up front, so a busy database fails here, before
    # anything was written, and the retry starts clean.
    connection.execute("BEGIN IMMEDIATE")
    try:
        changed = connection.execute(sql, parameters).rowcount
        connection.execute("COMMIT")
        return changed
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
