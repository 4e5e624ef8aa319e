"""Database outage: 503 problem+json with Retry-After in time, /readyz 503, and self-healing.

The database is a throwaway PostgreSQL server this module starts itself; it is stopped (refused
connections) and frozen (a database that accepts but never answers), never the shared one.
"""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from scripts.bench import bodies, databases
from tests.reliability.live import Service, serving
from tests.reliability.pg import ThrowawayPostgres, binaries, throwaway_postgres

pytestmark = pytest.mark.anyio

TIMEOUT = 2.0  # DB_TIMEOUT_SECONDS
RETRY_AFTER = "7"
# The contract: a 503 within the configured timeout; one second of slack for a busy machine.
DEADLINE = TIMEOUT + 1.0
PG_BIN = binaries()


@pytest.fixture(scope="module")
def postgres() -> Iterator[ThrowawayPostgres]:
    if PG_BIN is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    with throwaway_postgres(PG_BIN) as running:
        yield running


@pytest.fixture
def outage_service(postgres: ThrowawayPostgres, tmp_path: Path) -> Iterator[Service]:
    postgres.resume()
    with databases.postgresql_database("gracious_outage", admin=postgres.admin_url) as url:
        env = {"DB_TIMEOUT_SECONDS": str(TIMEOUT), "RETRY_AFTER_SECONDS": RETRY_AFTER}
        try:
            with serving(url, tmp_path, **env) as live:
                yield live
        finally:
            # Before the database is dropped: a stopped or frozen server can't drop it.
            postgres.resume()


async def _timed(
    http: httpx.AsyncClient, method: str, path: str, body: str | None = None
) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    headers = {"Content-Type": "application/json"} if body is not None else {}
    response = await http.request(method, path, content=body, headers=headers)
    return response, time.monotonic() - began


def _assert_unavailable(response: httpx.Response, elapsed: float) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == RETRY_AFTER
    problem = response.json()
    assert problem["status"] == 503
    assert problem["detail"]
    assert elapsed < DEADLINE, f"the 503 took {elapsed:.1f}s"


async def _during_outage(live: Service, stored_id: str) -> None:
    body = bodies.decline_bodies(1, seed=1)[0]
    async with live.client(timeout=DEADLINE + 10) as http:
        calls = [
            ("POST", "/v1/declines", body),
            ("GET", "/v1/declines?limit=5", None),
            ("GET", f"/v1/declines/{stored_id}", None),
            ("DELETE", f"/v1/declines/{stored_id}", None),
        ]
        for method, path, payload in calls:
            response, elapsed = await _timed(http, method, path, payload)
            _assert_unavailable(response, elapsed)
        # Many at once: none may hang or turn into a 500.
        answers = await asyncio.gather(
            *(_timed(http, "POST", "/v1/declines", body) for _ in range(8))
        )
        for response, elapsed in answers:
            _assert_unavailable(response, elapsed)
        response, elapsed = await _timed(http, "GET", "/readyz")
        _assert_unavailable(response, elapsed)
        assert (await http.get("/healthz")).status_code == 200


async def _recovers(live: Service, stored_id: str) -> None:
    async with live.client(timeout=DEADLINE + 10) as http:
        deadline = time.monotonic() + 30
        while (await http.get("/readyz")).status_code != 200:
            assert time.monotonic() < deadline, "the service did not recover"
            await asyncio.sleep(0.2)
        body = bodies.decline_bodies(1, seed=2)[0]
        created = await http.post(
            "/v1/declines", content=body, headers={"Content-Type": "application/json"}
        )
        assert created.status_code == 201, created.text
        assert (await http.get(f"/v1/declines/{stored_id}")).json()["id"] == stored_id
        assert (await http.get(f"/v1/declines/{created.json()['id']}")).status_code == 200
    assert live.restarts == 0
    assert live.server.alive()


async def _store_one(live: Service) -> str:
    async with live.client() as http:
        assert (await http.get("/readyz")).status_code == 200
        response = await http.post(
            "/v1/declines",
            content=bodies.decline_bodies(1)[0],
            headers={"Content-Type": "application/json"},
        )
        assert response.status_code == 201, response.text
        decline_id: str = response.json()["id"]
        return decline_id


async def test_stopped_database_gives_503_then_recovers(
    postgres: ThrowawayPostgres, outage_service: Service
) -> None:
    stored_id = await _store_one(outage_service)
    await asyncio.to_thread(postgres.stop, "immediate")
    try:
        await _during_outage(outage_service, stored_id)
    finally:
        await asyncio.to_thread(postgres.start)
    await _recovers(outage_service, stored_id)


async def test_hung_database_gives_503_in_time_then_recovers(
    postgres: ThrowawayPostgres, outage_service: Service
) -> None:
    stored_id = await _store_one(outage_service)
    postgres.pause()
    try:
        await _during_outage(outage_service, stored_id)
    finally:
        postgres.resume()
    await _recovers(outage_service, stored_id)
