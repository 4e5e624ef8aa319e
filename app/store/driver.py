"""The hot path on the raw driver: the API-key look-up every request makes, and a plain insert.

Through SQLAlchemy's async engine each of these cost far more than the statement itself: a
greenlet bridge per call, a pre-ping round trip per checkout, BEGIN and COMMIT round trips
around a single statement, and on SQLite a thread hop per call. Here each is one prepared
statement on a pooled asyncpg connection (autocommit), or one call on a sqlite3 connection on
the event loop. The SQL is still SQLAlchemy's, compiled once from the models' tables for the
engine's dialect, with the dialect's own value conversions, so both paths write the same rows.

A decline is stored with its follow-ups and its `decline.created` event (the transactional
outbox): on PostgreSQL as one statement, the three inserts chained by CTEs; on SQLite as three
statements in a savepoint of a local transaction, which the declines of requests made meanwhile
share (one commit for all of them). Either way it is one round trip's worth of work.
Batches and closeouts write here too (write_many): the same rows (app/store/declines.py), one
executemany per table, in one transaction.

Everything else (the log, reads by id, erasure, idempotency, keys) stays on the engine.
"""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import suppress
from functools import partial
from typing import Any, Protocol, TypeVar

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import Table, bindparam, func, insert, not_, select, union_all
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.expression import (
    CTE,
    ClauseElement,
    ColumnElement,
    CompoundSelect,
    Select,
)

from app.config import Settings
from app.db import idle_session_settings, sqlite_pragmas
from app.errors import DatabaseDown, OutcomeUnknown
from app.models import (
    ApiKey,
    Closeout,
    DeclineRow,
    EventRow,
    FollowUpRow,
    IdempotencyRecord,
    WebhookEndpoint,
)
from app.store.idempotency import completion
from app.store.transaction import sqlite_write_lock

_declines: Table = DeclineRow.__table__  # type: ignore[assignment]
_keys: Table = ApiKey.__table__  # type: ignore[assignment]
_closeouts: Table = Closeout.__table__  # type: ignore[assignment]
_idempotency: Table = IdempotencyRecord.__table__  # type: ignore[assignment]
_follow_ups: Table = FollowUpRow.__table__  # type: ignore[assignment]
_events: Table = EventRow.__table__  # type: ignore[assignment]
_endpoints: Table = WebhookEndpoint.__table__  # type: ignore[assignment]

KeyRow = tuple[str, str, str]  # id, tenant_id, secret_sha256
T = TypeVar("T")


# Rows for one of the driver's bulk statements (see _Bulk), by table name.
BulkWrite = tuple[str, Sequence[Mapping[str, object]]]


class Driver(Protocol):
    async def find_key(self, digest: str) -> KeyRow | None:
        """The live (not revoked) key with this secret digest."""

    async def insert_decline(self, values: Mapping[str, object], follow_ups: int) -> bool:
        """Insert one row into declines, its `follow_ups` follow-ups and its event, if the key
        `values["key_id"]` is live; False, with nothing stored, if not.

        Committed when this returns.
        """

    async def write_many(self, key_id: str, writes: Sequence[BulkWrite]) -> bool:
        """In one transaction, if the key `key_id` is live: each write's rows, by executemany;
        False, with nothing written, if the key was revoked. Committed when this returns.

        The key's row is read FOR SHARE (on PostgreSQL), so a revocation waits for this
        transaction and nothing is written for a key revoked before it.
        """

    async def write_many_in(
        self, connection: AsyncConnection, key_id: str, writes: Sequence[BulkWrite]
    ) -> bool:
        """write_many's statements on an engine connection, inside the caller's transaction."""

    async def close(self) -> None: ...


class StatementFailed(Exception):
    """A statement the database refused; only its kind, since the driver's message (kept out
    of this error and its traceback) may quote the values it was given."""


class _Statement:
    """A Core statement compiled once: its SQL, and its parameters in order with converters."""

    def __init__(self, statement: ClauseElement | Executable, dialect: Dialect):
        assert isinstance(statement, ClauseElement)
        compiled = statement.compile(dialect=dialect)
        assert isinstance(compiled, SQLCompiler)
        self.sql = compiled.string
        self.names: tuple[str, ...] = tuple(compiled.positiontup or ())
        converters: dict[str, Callable[[Any], Any]] = {}
        for name, bind in compiled.binds.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                converters[name] = process
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


def _row(table: Table, prefix: str) -> Select[Any]:
    """SELECT the row's values, bound as `prefix` + the column's name."""
    return select(*(_value(table, column.key, prefix) for column in table.columns))


def _value(table: Table, column: str, prefix: str) -> ColumnElement[Any]:
    if table is _events and column == "fanned_out":
        # An event of a tenant without endpoints is born fanned out: no worker pass (and on
        # SQLite no write) is spent on it. An endpoint receives the events made after it.
        listening = (
            select(_endpoints.c.id)
            .where(_endpoints.c.tenant_id == bindparam(prefix + "tenant_id"), _endpoints.c.enabled)
            .exists()
        )
        return not_(listening).label("fanned_out")
    return bindparam(prefix + column, type_=table.c[column].type)


def insert_event() -> Insert:
    """INSERT INTO events the row bound by its columns' names, born fanned out when its
    tenant has no endpoint (as a single create's event is)."""
    return insert(_events).from_select(list(_events.columns), _row(_events, ""))


def decline_statements(dialect_name: str, follow_ups: int) -> list[Executable]:
    """The statements that store a decline, its follow-ups (their rows' columns bound as
    `f0_id`, `f1_id`, ...) and its event (`e_id`, ...): the first stores nothing when the key
    is not live, and the others must then be skipped.

    On PostgreSQL they are one statement that returns how many declines it stored; the
    follow-ups and the event select from the stored decline, so they follow it or nothing.
    """
    decline = insert_while_key_is_live()
    rows = [_row(_follow_ups, f"f{position}_") for position in range(follow_ups)]
    event = _row(_events, "e_")
    source: Select[Any] | CompoundSelect[Any]
    if dialect_name != "postgresql":
        statements: list[Executable] = [decline]
        if rows:
            source = rows[0] if len(rows) == 1 else union_all(*rows)
            statements.append(insert(_follow_ups).from_select(list(_follow_ups.columns), source))
        statements.append(insert(_events).from_select(list(_events.columns), event))
        return statements
    stored = decline.returning(_declines.c.id).cte("stored")
    ctes: list[CTE] = []
    if rows:
        selected = [row.select_from(stored) for row in rows]
        source = selected[0] if len(selected) == 1 else union_all(*selected)
        ctes.append(
            insert(_follow_ups).from_select(list(_follow_ups.columns), source).cte("follow_ups")
        )
    ctes.append(
        insert(_events).from_select(list(_events.columns), event.select_from(stored)).cte("outbox")
    )
    return [select(func.count()).select_from(stored).add_cte(*ctes)]


async def write_decline(
    connection: AsyncConnection, values: Mapping[str, object], follow_ups: int
) -> bool:
    """decline_statements on an engine connection, inside the caller's transaction."""
    statements = decline_statements(connection.dialect.name, follow_ups)
    result = await connection.execute(statements[0], dict(values))
    if connection.dialect.name == "postgresql":
        return bool(result.scalar_one() == 1)
    if result.rowcount != 1:
        return False
    for statement in statements[1:]:
        await connection.execute(statement, dict(values))
    return True


class _Statements:
    """The hot path's statements for one dialect, compiled on first use."""

    def __init__(self, dialect: Dialect) -> None:
        self._dialect = dialect
        find_key = select(_keys.c.id, _keys.c.tenant_id, _keys.c.secret_sha256).where(
            _keys.c.secret_sha256 == bindparam("digest"), _keys.c.revoked_at.is_(None)
        )
        self.find_key = _Statement(find_key, dialect)
        self._writes: dict[int, list[_Statement]] = {}

    def write(self, follow_ups: int) -> list[_Statement]:
        statements = self._writes.get(follow_ups)
        if statements is None:
            statements = [
                _Statement(statement, self._dialect)
                for statement in decline_statements(self._dialect.name, follow_ups)
            ]
            self._writes[follow_ups] = statements
        return statements


class _Bulk:
    """The statements of write_many, compiled once for the dialect: a plain INSERT per table
    (the event's as a single create inserts it), run by executemany.

    Not the single create's statements run many times: on PostgreSQL its CTE statement per
    decline took about twice as long as these three executemany calls for a batch of 100."""

    def __init__(self, dialect: Dialect) -> None:
        live_key = (
            select(_keys.c.id)
            .where(_keys.c.id == bindparam("key_id"), _keys.c.revoked_at.is_(None))
            .with_for_update(read=True)
        )
        self.live_key = _Statement(live_key, dialect)
        self.writes = {
            "closeouts": _Statement(insert(_closeouts), dialect),
            "declines": _Statement(insert(_declines), dialect),
            "follow_ups": _Statement(insert(_follow_ups), dialect),
            "events": _Statement(insert_event(), dialect),
            "idempotency_keys": _Statement(completion(), dialect),
        }

    def batches(self, writes: Sequence[BulkWrite]) -> list[tuple[str, list[list[object]]]]:
        """Each statement's SQL and its rows of parameters, in the order to run them."""
        prepared = []
        for table, rows in writes:
            if rows:
                statement = self.writes[table]
                prepared.append((statement.sql, [statement.parameters(row) for row in rows]))
        return prepared

    async def write_in(
        self, connection: AsyncConnection, key_id: str, writes: Sequence[BulkWrite]
    ) -> bool:
        """The same statements, through an engine connection's driver, in its transaction."""
        found = await connection.exec_driver_sql(self.live_key.sql, (key_id,))
        if found.first() is None:
            return False
        for sql, rows in self.batches(writes):
            await connection.exec_driver_sql(sql, [tuple(row) for row in rows])
        return True


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
        self._statements = _Statements(dialect)
        self._bulk = _Bulk(dialect)
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
        sql = self._statements.find_key.sql

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

    async def insert_decline(self, values: Mapping[str, object], follow_ups: int) -> bool:
        (statement,) = self._statements.write(follow_ups)
        sql, parameters = statement.sql, statement.parameters(values)

        async def execute(connection: asyncpg.Connection) -> bool:
            stored: int = await connection.fetchval(sql, *parameters)
            return stored == 1

        return await self._run(execute, writes=True)

    async def write_many(self, key_id: str, writes: Sequence[BulkWrite]) -> bool:
        live_key, batches = self._bulk.live_key.sql, self._bulk.batches(writes)

        async def execute(connection: asyncpg.Connection) -> bool:
            async with connection.transaction():
                if await connection.fetchval(live_key, key_id) is None:
                    return False
                for sql, rows in batches:
                    await connection.executemany(sql, rows)
            return True

        return await self._run(execute, writes=True)

    async def write_many_in(
        self, connection: AsyncConnection, key_id: str, writes: Sequence[BulkWrite]
    ) -> bool:
        return await self._bulk.write_in(connection, key_id, writes)

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
        self._pragmas = sqlite_pragmas(settings)
        self._write_lock = sqlite_write_lock(engine)
        self._statements = _Statements(engine.dialect)
        self._bulk = _Bulk(engine.dialect)
        # One caller at a time on the connection: a worker-thread retry must not overlap the loop.
        self._in_use = asyncio.Lock()
        # Single creates waiting for the next commit, and the task that writes them (see
        # insert_decline).
        self._queued: list[tuple[_Steps, asyncio.Future[bool]]] = []
        self._committer: asyncio.Task[None] | None = None

    def _connect(self) -> sqlite3.Connection:
        # Opened on first use, so the service starts (and says 503) when the file cannot be.
        if self._connection is None:
            connection = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
            try:
                for pragma in self._pragmas:
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
        sql = self._statements.find_key.sql

        def fetch(connection: sqlite3.Connection) -> KeyRow | None:
            row = connection.execute(sql, (digest,)).fetchone()
            return None if row is None else (row[0], row[1], row[2])

        return await self._run(fetch)

    async def insert_decline(self, values: Mapping[str, object], follow_ups: int) -> bool:
        """As the protocol says; the declines of requests made meanwhile share the commit.

        A commit writes every page the transaction changed to the WAL: a decline's own, and
        the leaf pages of the eighteen indexes of declines, follow-ups and events, which the
        next decline changes again. With one commit a decline, committing was about 0.4 ms of
        a 0.7 ms write (in isolation); the declines that arrive while one commit is being
        written wait for the next and share it, each in a savepoint of its own, so one
        decline's failure is its request's alone.
        """
        steps = [(s.sql, s.parameters(values)) for s in self._statements.write(follow_ups)]
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._queued.append((steps, done))
        if self._committer is None:
            self._committer = asyncio.create_task(self._commit_waiting())
        return await done

    async def _commit_waiting(self) -> None:
        group: list[tuple[_Steps, asyncio.Future[bool]]] = []
        try:
            while self._queued:
                async with self._write_lock:
                    group, self._queued = self._queued, []
                    writes = [steps for steps, _ in group]
                    try:
                        outcomes = await self._run(partial(_each_in_savepoint, writes=writes))
                    except Exception as error:
                        outcomes = [error] * len(group)
                for (_, done), outcome in zip(group, outcomes, strict=True):
                    if done.done():  # its request was cancelled
                        continue
                    if isinstance(outcome, Exception):
                        done.set_exception(outcome)
                    else:
                        done.set_result(outcome)
        finally:
            self._committer = None
            # Cancelled itself (the server stopping): no request is left waiting for ever.
            for _, done in [*group, *self._queued]:
                if not done.done():
                    done.cancel()

    async def write_many(self, key_id: str, writes: Sequence[BulkWrite]) -> bool:
        live_key, batches = self._bulk.live_key.sql, self._bulk.batches(writes)

        def execute(connection: sqlite3.Connection) -> bool:
            # As in _each_in_savepoint: the write lock first, so a busy database fails before
            # anything was written and the retry starts clean.
            connection.execute("BEGIN IMMEDIATE")
            try:
                if connection.execute(live_key, (key_id,)).fetchone() is None:
                    connection.execute("ROLLBACK")
                    return False
                for sql, rows in batches:
                    connection.executemany(sql, rows)
                connection.execute("COMMIT")
                return True
            except BaseException:
                if connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise

        async with self._write_lock:
            return await self._run(execute)

    async def write_many_in(
        self, connection: AsyncConnection, key_id: str, writes: Sequence[BulkWrite]
    ) -> bool:
        return await self._bulk.write_in(connection, key_id, writes)

    async def close(self) -> None:
        async with self._in_use:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


_Steps = Sequence[tuple[str, Sequence[object]]]


def _each_in_savepoint(
    connection: sqlite3.Connection, writes: Sequence[_Steps]
) -> list[bool | Exception]:
    """Run each write in one transaction, each in a savepoint: its first statement, then the
    rest only if the first changed one row. Per write, whether it stored, or the error that
    rolled it back to its savepoint; an OperationalError (the database, not the write) rolls
    back all of them and is raised."""
    # BEGIN IMMEDIATE takes the write lock up front, so a busy database fails here, before
    # anything was written, and the retry starts clean.
    connection.execute("BEGIN IMMEDIATE")
    outcomes: list[bool | Exception] = []
    try:
        for (sql, parameters), *rest in writes:
            connection.execute("SAVEPOINT one_decline")
            try:
                stored = connection.execute(sql, parameters).rowcount == 1
                if stored:
                    for more_sql, more_parameters in rest:
                        connection.execute(more_sql, more_parameters)
            except sqlite3.OperationalError:
                raise
            except Exception as error:
                connection.execute("ROLLBACK TO one_decline")
                outcomes.append(error)
            else:
                outcomes.append(stored)
            connection.execute("RELEASE one_decline")
        connection.execute("COMMIT")
        return outcomes
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return getattr(error, "sqlite_errorcode", None) in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
