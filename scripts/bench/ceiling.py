"""The write-path ceiling: what `POST /v1/declines` could cost at the very least.

The same request validation (FastAPI with the same Pydantic `DeclineRequest`), a new id, and
one raw driver insert of a JSON document into the same table (asyncpg for PostgreSQL; sqlite3
or aiosqlite for SQLite, with the app's pragmas and its checkpoints in a thread); no ORM, no
SQLAlchemy, no templates, no auth. The response carries the document, as the real endpoint does.

The document is the request's own JSON after its id and time, then the rest of a real decline's
document (CEILING_DOCUMENT=composed, the default: composed once at start-up from the bench's
sample body, never per request), so the database stores, compresses and logs what it does for
the app. CEILING_DOCUMENT=padding puts `x`s there instead, as long as the real document
(CEILING_DOCUMENT_BYTES): PostgreSQL compresses those to almost nothing, which made the ceiling
~0.15 ms a write cheaper than any real decline.

Served by uvicorn like the app: `uvicorn --factory scripts.bench.ceiling:create_ceiling`,
configured by env:
DATABASE_URL, DB_POOL_SIZE (default 10), CEILING_DOCUMENT (composed | padding),
CEILING_DOCUMENT_BYTES (default 6000), CEILING_TENANT_ID (default ten_default),
CEILING_SQLITE_DRIVER (sqlite3 | aiosqlite).
"""

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import asyncpg  # type: ignore[import-untyped]
from fastapi import FastAPI, Response

from app import ids
from app.config import Settings
from app.db import sqlite_pragmas
from app.maintenance import checkpoint
from app.new_declines import new_decline
from app.schemas import DeclineRequest
from scripts.bench import bodies
from scripts.bench.databases import SQLITE_TIME, driver_dsn, is_postgresql, sqlite_path

Insert = Callable[[dict[str, Any]], Coroutine[Any, Any, None]]


Document = Callable[[str, str, str], str]


def _head(decline_id: str, created_at: str, request_json: str) -> str:
    return f'{{"id":"{decline_id}","created_at":"{created_at}","request":{request_json}'


def _padded(size: int) -> Document:
    def document(decline_id: str, created_at: str, request_json: str) -> str:
        head = _head(decline_id, created_at, request_json)
        tail = ',"messages":"'
        padding = max(0, size - len(head) - len(tail) - 2)
        return head + tail + "x" * padding + '"}'

    return document


def _composed(tenant_id: str) -> Document:
    """A real decline's document after its request: its messages, guidance and version."""
    request = DeclineRequest.model_validate_json(bodies.sample_body())
    real = new_decline(request, now=datetime.now(UTC), tenant_id=tenant_id).document
    rest = real[real.index(',"messages":') :]

    def document(decline_id: str, created_at: str, request_json: str) -> str:
        return _head(decline_id, created_at, request_json) + rest

    return document


async def _postgresql(url: str, pool_size: int) -> tuple[Insert, Callable[[], Any]]:
    pool = await asyncpg.create_pool(driver_dsn(url), min_size=pool_size, max_size=pool_size)
    async with pool.acquire() as connection:
        rows = await connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'declines'"
        )
    columns = sorted(row["column_name"] for row in rows)
    placeholders = ", ".join(f"${number}" for number in range(1, len(columns) + 1))
    statement = f"INSERT INTO declines ({', '.join(columns)}) VALUES ({placeholders})"

    async def insert(values: dict[str, Any]) -> None:
        await pool.execute(statement, *(_row(values, columns)))

    return insert, pool.close


def _sqlite_columns(connection: sqlite3.Connection) -> list[str]:
    return sorted(row[1] for row in connection.execute("PRAGMA table_info(declines)"))


def _sqlite_prepare(connection: sqlite3.Connection, settings: Settings) -> None:
    # The app's own settings (app.db.sqlite_pragmas): the same durability, and the WAL copied
    # back by a checkpoint in a thread (create_ceiling's lifespan), as the app's server does,
    # not by whichever commit fills it.
    for pragma in sqlite_pragmas(settings):
        connection.execute(pragma)
    connection.execute("PRAGMA busy_timeout=5000")


def _row(values: dict[str, Any], columns: list[str]) -> list[Any]:
    """The values in the table's column order. A column the ceiling does not write (a decline
    outside any closeout has no closeout_id) is NULL; one that may not be NULL fails the insert,
    and the bench stops on the ceiling's first non-201."""
    return [values.get(column) for column in columns]


def _sqlite_values(values: dict[str, Any], columns: list[str]) -> dict[str, Any]:
    row = dict(zip(columns, _row(values, columns), strict=True))
    return {**row, "created_at": values["created_at"].strftime(SQLITE_TIME)}


async def _sqlite3(settings: Settings, writers: asyncio.Lock) -> tuple[Insert, Callable[[], Any]]:
    # One connection, statements run on the event loop: in WAL mode with synchronous=NORMAL an
    # insert and its commit take microseconds, and SQLite has one writer anyway. Inserts take
    # `writers`, as the app's do, so that the checkpointer's RESTART holds them off there.
    connection = sqlite3.connect(
        sqlite_path(settings.database_url), isolation_level=None, check_same_thread=False
    )
    _sqlite_prepare(connection, settings)
    columns = _sqlite_columns(connection)
    statement = (
        f"INSERT INTO declines ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + column for column in columns)})"
    )

    async def insert(values: dict[str, Any]) -> None:
        async with writers:
            connection.execute("BEGIN IMMEDIATE")
            try:
                connection.execute(statement, _sqlite_values(values, columns))
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    async def close() -> None:
        connection.close()

    return insert, close


async def _aiosqlite(settings: Settings, writers: asyncio.Lock) -> tuple[Insert, Callable[[], Any]]:
    connection = await aiosqlite.connect(sqlite_path(settings.database_url), isolation_level=None)
    for pragma in sqlite_pragmas(settings):
        await connection.execute(pragma)
    await connection.execute("PRAGMA busy_timeout=5000")
    cursor = await connection.execute("PRAGMA table_info(declines)")
    columns = sorted(row[1] for row in await cursor.fetchall())
    statement = (
        f"INSERT INTO declines ({', '.join(columns)}) "
        f"VALUES ({', '.join(':' + column for column in columns)})"
    )

    async def insert(values: dict[str, Any]) -> None:
        async with writers:
            await connection.execute(statement, _sqlite_values(values, columns))
            await connection.commit()

    return insert, connection.close


def create_ceiling() -> FastAPI:
    url = os.environ["DATABASE_URL"]
    pool_size = int(os.environ.get("DB_POOL_SIZE", "10"))
    tenant_id = os.environ.get("CEILING_TENANT_ID", "ten_default")
    kind = os.environ.get("CEILING_DOCUMENT", "composed")
    if kind not in ("composed", "padding"):
        raise ValueError(f"CEILING_DOCUMENT is composed or padding, not {kind!r}")
    document_of = (
        _composed(tenant_id)
        if kind == "composed"
        else _padded(int(os.environ.get("CEILING_DOCUMENT_BYTES", "6000")))
    )
    sqlite_driver = os.environ.get("CEILING_SQLITE_DRIVER", "sqlite3")
    store: dict[str, Insert] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        checkpoints = None
        settings = Settings(database_url=url)
        if is_postgresql(url):
            insert, close = await _postgresql(url, pool_size)
        else:
            writers = asyncio.Lock()
            if sqlite_driver == "aiosqlite":
                insert, close = await _aiosqlite(settings, writers)
            else:
                insert, close = await _sqlite3(settings, writers)
            checkpoints = asyncio.create_task(checkpoint(settings, writers, stop))
        store["insert"] = insert
        try:
            yield
        finally:
            stop.set()
            if checkpoints is not None:
                await checkpoints
            await close()

    app = FastAPI(lifespan=lifespan)

    @app.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.post("/v1/declines", status_code=201)
    async def create(body: DeclineRequest) -> Response:
        now = datetime.now(UTC)
        decline_id = ids.new_id(now)
        document = document_of(decline_id, now.isoformat(), body.model_dump_json())
        await store["insert"](
            {
                "id": decline_id,
                "tenant_id": tenant_id,
                "created_at": now,
                "stage": body.stage.value,
                "reason": body.reason.category.value,
                "company": body.company,
                "company_key": body.company.casefold(),
                "search_text": f"{body.role}\n{body.company}\n{body.candidate.name}".casefold(),
                "document": document,
            }
        )
        return Response(
            document,
            201,
            {"Location": f"/v1/declines/{decline_id}"},
            media_type="application/json",
        )

    return app
