"""Erasure and retention leave no copy (issue 11: 1, 3): not in the idempotency records, not
through a replay, and expired records and old declines go on a schedule."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.api.deps import utc_now
from app.config import Settings
from app.main import create_app
from tests.conftest import count_rows, decline_request, http_client, new_key

pytestmark = pytest.mark.anyio
PERSONAL = ["Ana Ruiz", "ana@example.com", "Jordan Lee", "I want to lead a team."]


async def _idempotency_rows(app: FastAPI) -> list[tuple[object, ...]]:
    async with app.state.engine.connect() as connection:
        result = await connection.execute(
            text("SELECT key, fingerprint, status, location, body FROM idempotency_keys")
        )
        return [tuple(row) for row in result]


async def test_a_replay_after_erasure_returns_nothing_and_creates_nothing(
    client: AsyncClient, app: FastAPI
) -> None:
    headers = {"Idempotency-Key": "erase-me"}
    created = await client.post("/v1/declines", json=decline_request(), headers=headers)
    assert created.status_code == 201
    assert (await client.delete(created.headers["location"])).status_code == 204

    for body in (decline_request(), decline_request(role="Another role")):
        replay = await client.post("/v1/declines", json=body, headers=headers)
        assert replay.status_code == 404, replay.text
        assert replay.headers["content-type"] == "application/problem+json"
        assert "erased" in replay.json()["detail"]
        assert not any(personal in replay.text for personal in PERSONAL)
    assert await count_rows(app) == 0
    assert (await client.get(created.headers["location"])).status_code == 404
    # No stored copy: no response, no fingerprint of the request, no location.
    for row in await _idempotency_rows(app):
        assert row[0] == "erase-me"
        assert row[3] is None
        assert row[4] is None
        assert row[1] == "erased"


async def test_erasure_keeps_other_declines_records(client: AsyncClient, app: FastAPI) -> None:
    kept = await client.post(
        "/v1/declines", json=decline_request(role="Kept"), headers={"Idempotency-Key": "keep"}
    )
    gone = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "go"}
    )
    assert (await client.delete(gone.headers["location"])).status_code == 204
    replay = await client.post(
        "/v1/declines", json=decline_request(role="Kept"), headers={"Idempotency-Key": "keep"}
    )
    assert replay.status_code == 201
    assert replay.json() == kept.json()


@asynccontextmanager
async def _replica(database_url: str, **settings: object) -> AsyncIterator[FastAPI]:
    application = create_app(
        Settings(database_url=database_url, rate_limit_per_minute=0, **settings)  # type: ignore[arg-type]
    )
    async with LifespanManager(application):
        yield application


def _at(moment: datetime) -> Callable[[], datetime]:
    return lambda: moment


async def _wait_for(app: FastAPI, sql: str, expected: int, seconds: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        async with app.state.engine.connect() as connection:
            found = (await connection.execute(text(sql))).scalar_one()
        if found == expected:
            return
        assert asyncio.get_running_loop().time() < deadline, f"{sql}: {found}, not {expected}"
        await asyncio.sleep(0.1)


async def test_expired_idempotency_records_are_purged_on_a_schedule(
    app: FastAPI, database_url: str
) -> None:
    key = await new_key(app, "tenant-a")
    async with _replica(database_url, maintenance_interval_seconds=0.2) as replica:
        async with http_client(replica, key) as http:
            replica.state.clock = _at(datetime.now(UTC) - timedelta(days=30))
            for number in range(3):
                response = await http.post(
                    "/v1/declines",
                    json=decline_request(role=f"Old {number}"),
                    headers={"Idempotency-Key": f"old-{number}"},
                )
                assert response.status_code == 201
            replica.state.clock = utc_now
            fresh = await http.post(
                "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "fresh"}
            )
            assert fresh.status_code == 201
        # No keyed request comes by: the schedule alone removes the expired ones.
        await _wait_for(replica, "SELECT COUNT(*) FROM idempotency_keys", 1)
        assert [row[0] for row in await _idempotency_rows(replica)] == ["fresh"]


async def test_retention_erases_old_declines_with_their_copies(
    app: FastAPI, database_url: str
) -> None:
    key = await new_key(app, "tenant-a")
    async with (
        _replica(database_url, retention_days=30, maintenance_interval_seconds=0.2) as replica,
        http_client(replica, key) as http,
    ):
        replica.state.clock = _at(datetime.now(UTC) - timedelta(days=31))
        old = await http.post(
            "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "old"}
        )
        replica.state.clock = _at(datetime.now(UTC) - timedelta(days=29))
        young = await http.post("/v1/declines", json=decline_request(role="Young"))
        replica.state.clock = utc_now
        assert old.status_code == young.status_code == 201
        await _wait_for(replica, "SELECT COUNT(*) FROM declines", 1)
        assert (await http.get(old.headers["location"])).status_code == 404
        assert (await http.get(young.headers["location"])).status_code == 200
        await _wait_for(replica, "SELECT COUNT(*) FROM idempotency_keys", 0)


async def test_without_retention_old_declines_are_kept(app: FastAPI, database_url: str) -> None:
    key = await new_key(app, "tenant-a")
    async with (
        _replica(database_url, maintenance_interval_seconds=0.1) as replica,
        http_client(replica, key) as http,
    ):
        replica.state.clock = _at(datetime(2001, 1, 1, tzinfo=UTC))
        old = await http.post("/v1/declines", json=decline_request())
        replica.state.clock = utc_now
        await asyncio.sleep(0.5)
        assert (await http.get(old.headers["location"])).status_code == 200
