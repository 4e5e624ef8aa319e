"""The write path's storage under the conditions a database really meets: another process
holding SQLite's write lock, and a PostgreSQL server that drops its connections."""

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import asyncpg  # type: ignore[import-untyped]
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.engine import make_url

from app.config import Settings
from app.db import checkpoint_sqlite
from app.main import create_app
from app.store import keys as key_store
from tests.conftest import count_rows, decline_request, http_client, new_key

pytestmark = pytest.mark.anyio


@contextmanager
def sqlite_writer_holding_lock(
    path: str, seconds: float, until: threading.Event | None = None
) -> Iterator[threading.Event]:
    """Another connection (as another process would) holds the write lock for `seconds`, or
    until `until` is set if that comes first."""
    locked = threading.Event()

    def hold() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        locked.set()
        (until or threading.Event()).wait(seconds)
        connection.execute("COMMIT")
        connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(5)
        yield locked
    finally:
        thread.join()


async def test_a_write_waits_for_another_sqlite_writer_without_blocking_others(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock")
    assert (await client.post("/v1/declines", json=decline_request())).status_code == 201
    path = make_url(settings.database_url).database or ""
    # Proven by order, not by a stopwatch (which a loaded machine breaks): the lock is released
    # only once the health check has been answered, so a write that waited on the event loop
    # would hold that answer back until it had given up or gone through.
    release = threading.Event()
    with sqlite_writer_holding_lock(path, 10, until=release):
        write = asyncio.create_task(client.post("/v1/declines", json=decline_request()))
        await asyncio.sleep(0.2)
        health = await client.get("/healthz")
        assert health.status_code == 200
        assert not write.done()  # still waiting for the lock, in a worker thread
        release.set()
        response = await write
    assert response.status_code == 201, response.text
    assert await count_rows(app) == 2


async def test_a_write_gives_up_with_503_when_sqlite_stays_locked(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's file lock")
    app.state.driver._busy_timeout_ms = 200
    path = make_url(settings.database_url).database or ""
    with sqlite_writer_holding_lock(path, 1.0):
        response = await client.post("/v1/declines", json=decline_request())
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "retry-after" in response.headers
    assert await count_rows(app) == 0
    assert (await client.post("/v1/declines", json=decline_request())).status_code == 201


async def test_requests_survive_postgresql_dropping_every_connection(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    # What a server restart or a failover does to the pooled connections.
    if settings.database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL connections")
    assert (await client.post("/v1/declines", json=decline_request())).status_code == 201
    assert (await client.get("/v1/declines")).status_code == 200
    dsn = make_url(settings.database_url).set(drivername="postgresql")
    admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        dropped = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await admin.close()
    assert dropped >= 2  # the driver's pool and the engine's
    await asyncio.sleep(0.2)
    for _ in range(3):
        response = await client.post("/v1/declines", json=decline_request())
        assert response.status_code == 201, response.text
        assert (await client.get(response.headers["location"])).status_code == 200
    assert await count_rows(app) == 4


async def test_sqlite_writers_leave_checkpoints_to_the_servers_checkpointer(
    settings: Settings,
) -> None:
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite's write-ahead log")
    # The checkpointer's first pass runs at start-up, its next not within this test.
    quiet = settings.model_copy(update={"sqlite_checkpoint_seconds": 3600.0})
    application = create_app(quiet)
    async with LifespanManager(application):
        key = await new_key(application, "checkpoints")
        async with http_client(application, key) as client:
            body = {"items": [decline_request(role=f"Role {n}") for n in range(100)]}
            assert (await client.post("/v1/declines/batch", json=body)).status_code == 201
            # A pass with nothing written meanwhile: the next write starts the WAL over.
            one = checkpoint_sqlite(quiet, "PASSIVE").frames
            # Enough batches that a writer checkpointing at 1,000 pages would have started the
            # WAL over on the way, leaving fewer frames in it than were written.
            batches = 1000 // one + 2
            for _ in range(batches):
                response = await client.post("/v1/declines/batch", json=body)
                assert response.status_code == 201, response.text
            wal = checkpoint_sqlite(quiet, "PASSIVE")
            assert wal.frames >= batches * one * 0.9
            assert wal.checkpointed == wal.frames


async def test_concurrent_creates_each_get_their_own_outcome(app: FastAPI) -> None:
    # On SQLite creates made while a commit is written share the next one (the driver's
    # insert_decline), each in its own savepoint: a decline refused for its revoked key must
    # store nothing and answer only its own request, and every other one must be stored whole.
    live = await new_key(app, "live-tenant")
    revoked_id, revoked = await key_store.create_key(app.state.engine, tenant="revoked-tenant")
    async with http_client(app, live) as good, http_client(app, revoked) as bad:
        assert (await bad.post("/v1/declines", json=decline_request())).status_code == 201
        assert await key_store.revoke_key(app.state.engine, revoked_id)
        sides = [good, bad] * 8
        answers = await asyncio.gather(
            *(
                side.post("/v1/declines", json=decline_request(company=f"Company {number}"))
                for number, side in enumerate(sides)
            )
        )
    for number, (side, answer) in enumerate(zip(sides, answers, strict=True)):
        if side is bad:
            assert answer.status_code == 401, answer.text
            continue
        assert answer.status_code == 201, answer.text
        assert answer.json()["request"]["company"] == f"Company {number}"
    async with app.state.engine.connect() as connection:
        stored = await connection.execute(
            text(
                "SELECT declines.company, COUNT(DISTINCT follow_ups.id), COUNT(DISTINCT events.id)"
                " FROM declines JOIN tenants ON tenants.id = declines.tenant_id"
                " LEFT JOIN follow_ups ON follow_ups.decline_id = declines.id"
                " LEFT JOIN events ON events.decline_id = declines.id"
                " WHERE tenants.name = 'live-tenant' GROUP BY declines.company"
            )
        )
        rows = {company: (follow_ups, events) for company, follow_ups, events in stored}
    assert sorted(rows) == sorted(f"Company {number}" for number in range(0, 16, 2))
    assert all(follow_ups > 0 and events == 1 for follow_ups, events in rows.values())
    assert await count_rows(app) == 9
