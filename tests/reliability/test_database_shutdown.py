"""PostgreSQL shutting down, and a database that stops answering mid-commit (issue 11: 7, 10).

The server is a throwaway PostgreSQL this module starts itself (tests/reliability/pg.py), never
the shared one; the hang mid-commit is a proxy in front of it that lets the statements through
and swallows the answers.
"""

import asyncio
import contextlib
import json
import os
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx
import pytest
from sqlalchemy.engine import make_url

from scripts.bench import bodies, databases
from tests.reliability.live import Service, serving
from tests.reliability.pg import ThrowawayPostgres, binaries, throwaway_postgres
from tests.reliability.proxy import SwallowingProxy

pytestmark = pytest.mark.anyio
PG_BIN = binaries()
TIMEOUT = 2.0  # DB_TIMEOUT_SECONDS
JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def postgres() -> Iterator[ThrowawayPostgres]:
    if PG_BIN is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway_postgres(PG_BIN) as running:
        yield running


@pytest.fixture
def database(postgres: ThrowawayPostgres) -> Iterator[str]:
    with databases.postgresql_database("gracious_shutdown", admin=postgres.admin_url) as url:
        try:
            yield url
        finally:
            _ensure_running(postgres)


@pytest.fixture
def service(database: str, tmp_path: Path) -> Iterator[Service]:
    with serving(database, tmp_path, DB_TIMEOUT_SECONDS=str(TIMEOUT)) as live:
        yield live


@pytest.fixture
def idle_closing_service(database: str, tmp_path: Path) -> Iterator[Service]:
    with serving(database, tmp_path, DB_TIMEOUT_SECONDS=str(TIMEOUT), DB_IDLE_SECONDS="1") as live:
        yield live


def _ensure_running(postgres: ThrowawayPostgres) -> None:
    # A smart shutdown ends by itself once its last session has gone, and on a loaded machine
    # that can be after the test: wait for it to end (the server refuses connections until
    # then), or the next connection meets "the database system is shutting down".
    pid = postgres.data / "postmaster.pid"
    deadline = time.monotonic() + 60
    while pid.exists() and not _accepting(postgres) and time.monotonic() < deadline:
        time.sleep(0.2)
    if not pid.exists():
        postgres.start()


def _accepting(postgres: ThrowawayPostgres) -> bool:
    ready = subprocess.run(
        [str(postgres.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(postgres.port)],
        capture_output=True,
        timeout=30,
    )
    return ready.returncode == 0


def _pg_ctl_stop(postgres: ThrowawayPostgres, *, wait: bool, seconds: int = 10) -> None:
    command = [str(postgres.bin / "pg_ctl"), "-D", str(postgres.data), "-m", "smart"]
    command += ["-w", "-t", str(seconds)] if wait else ["-W"]
    subprocess.run(
        [*(["runuser", "-u", "postgres", "--"] if _as_root() else []), *command, "stop"],
        check=True,
        capture_output=True,
        timeout=seconds + 30,
    )


def _as_root() -> bool:
    return os.geteuid() == 0


async def _store_one(http: httpx.AsyncClient) -> str:
    response = await http.post("/v1/declines", content=bodies.decline_bodies(1)[0], headers=JSON)
    assert response.status_code == 201, response.text
    decline_id: str = response.json()["id"]
    return decline_id


async def test_a_database_shutting_down_is_503_everywhere(
    postgres: ThrowawayPostgres, database: str, service: Service
) -> None:
    live = service
    async with live.client(timeout=30) as http:
        stored = await _store_one(http)
        # A session that keeps the smart shutdown pending, then the service's own
        # sessions ended, so that every request needs a new connection.
        holder = await asyncpg.connect(databases.driver_dsn(postgres.admin_url))
        try:
            await holder.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = $1 AND pid <> pg_backend_pid()",
                make_url(database).database,
            )
            await asyncio.to_thread(_pg_ctl_stop, postgres, wait=False)
            await asyncio.sleep(0.5)
            calls = [
                ("GET", "/readyz", None, {}),
                ("GET", "/v1/declines", None, {}),
                ("GET", f"/v1/declines/{stored}", None, {}),
                ("DELETE", f"/v1/declines/{stored}", None, {}),
                ("POST", "/v1/declines", bodies.decline_bodies(1, seed=3)[0], {}),
                (
                    "POST",
                    "/v1/declines",
                    bodies.decline_bodies(1, seed=4)[0],
                    {"Idempotency-Key": "during-shutdown"},
                ),
            ]
            for method, path, body, extra in calls:
                response = await http.request(method, path, content=body, headers={**JSON, **extra})
                assert response.status_code == 503, (method, path, response.text[:300])
                assert response.headers["content-type"] == "application/problem+json"
                assert "retry-after" in response.headers
        finally:
            await holder.close()
    assert "unhandled error" not in live.server.log_text()


async def test_idle_pooled_connections_do_not_hold_a_smart_shutdown(
    postgres: ThrowawayPostgres, idle_closing_service: Service
) -> None:
    live = idle_closing_service
    async with live.client(timeout=30) as http:
        # Fill both pools (the engine's and the raw driver's) with connections.
        await asyncio.gather(*(_store_one(http) for _ in range(6)))
        await asyncio.gather(*(http.get("/v1/declines") for _ in range(6)))
        began = time.monotonic()
        await asyncio.to_thread(_pg_ctl_stop, postgres, wait=True, seconds=15)
        assert time.monotonic() - began < 10
        assert live.server.alive()


@contextlib.asynccontextmanager
async def _behind_proxy(
    database: str, tmp_path: Path
) -> AsyncIterator[tuple[SwallowingProxy, Service]]:
    upstream = make_url(database)
    assert upstream.port is not None
    async with SwallowingProxy(upstream.port).running() as proxy:
        proxied = upstream.set(port=proxy.port).render_as_string(hide_password=False)
        env = {"DB_TIMEOUT_SECONDS": str(TIMEOUT)}
        with contextlib.ExitStack() as stack:
            live = await asyncio.to_thread(stack.enter_context, serving(proxied, tmp_path, **env))
            try:
                yield proxy, live
            finally:
                proxy.heal()
                await asyncio.to_thread(stack.close)


async def _stored_ids(database: str) -> list[str]:
    connection = await asyncpg.connect(databases.driver_dsn(database))
    try:
        return [row["id"] for row in await connection.fetch("SELECT id FROM declines")]
    finally:
        await connection.close()


@pytest.mark.parametrize("key", [None, "hung-commit"], ids=["plain", "idempotent"])
async def test_a_commit_whose_outcome_is_unknown_says_so_and_a_keyed_retry_is_safe(
    database: str, tmp_path: Path, key: str | None
) -> None:
    body = bodies.decline_bodies(1, seed=7)[0]
    # A plain create is one autocommitted statement: its values (the company among them) are
    # the last thing sent. A keyed one is a transaction: its COMMIT is.
    marker = b"COMMIT" if key else json.loads(body)["company"].encode()
    async with _behind_proxy(database, tmp_path) as (proxy, live):
        headers = {**JSON, **({"Idempotency-Key": key} if key else {})}
        async with live.client(timeout=30) as http:
            assert (await http.get("/readyz")).status_code == 200
            await _store_one(http)  # every statement prepared once, the pools warm
            before = set(await _stored_ids(database))
            proxy.arm(marker)
            response = await http.post("/v1/declines", content=body, headers=headers)
            proxy.heal()
            assert response.status_code == 503, response.text
            detail = response.json()["detail"]
            assert "Nothing was" not in detail
            assert "outcome is unknown" in detail
            assert "Idempotency-Key" in detail
            # It was in fact stored: the database committed what the service never heard.
            new = set(await _stored_ids(database)) - before
            assert len(new) == 1
            if key is None:
                return
            deadline = time.monotonic() + 15
            while True:
                retried = await http.post("/v1/declines", content=body, headers=headers)
                if retried.status_code != 503 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.2)
            assert retried.status_code == 201, retried.text
            assert retried.headers["idempotent-replayed"] == "true"
            assert {retried.json()["id"]} == new
            assert set(await _stored_ids(database)) - before == new
