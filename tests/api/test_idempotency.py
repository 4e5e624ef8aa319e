"""Idempotent retries of POST /v1/declines, enforced by the database under real concurrency."""

import asyncio

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.conftest import count_rows, decline_request

pytestmark = pytest.mark.anyio


async def test_a_retry_returns_the_original_response_and_stores_nothing_new(
    client: AsyncClient, app: FastAPI
) -> None:
    headers = {"Idempotency-Key": "retry-1"}
    first = await client.post("/v1/declines", json=decline_request(), headers=headers)
    again = await client.post("/v1/declines", json=decline_request(), headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert "idempotent-replayed" not in first.headers
    assert await count_rows(app) == 1


async def test_same_key_with_a_different_body_is_422(client: AsyncClient, app: FastAPI) -> None:
    headers = {"Idempotency-Key": "retry-2"}
    await client.post("/v1/declines", json=decline_request(), headers=headers)
    response = await client.post(
        "/v1/declines", json=decline_request(role="Another Role"), headers=headers
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "different body" in response.json()["detail"]
    assert await count_rows(app) == 1


async def test_keys_are_scoped_per_tenant(
    client: AsyncClient, other_client: AsyncClient, app: FastAPI
) -> None:
    headers = {"Idempotency-Key": "shared-name"}
    mine = await client.post("/v1/declines", json=decline_request(), headers=headers)
    theirs = await other_client.post(
        "/v1/declines", json=decline_request(role="Theirs"), headers=headers
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert await count_rows(app) == 2


async def test_key_length_is_bounded(client: AsyncClient, app: FastAPI) -> None:
    ok = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "k" * 255}
    )
    assert ok.status_code == 201
    too_long = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "k" * 256}
    )
    assert too_long.status_code == 422
    assert "Idempotency-Key" in too_long.json()["detail"]
    assert await count_rows(app) == 1


async def test_a_failed_request_frees_its_key(client: AsyncClient, app: FastAPI) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    real = app.state.clock
    app.state.clock = broken
    headers = {"Idempotency-Key": "after-failure"}
    try:
        failed = await client.post("/v1/declines", json=decline_request(), headers=headers)
    finally:
        app.state.clock = real
    assert failed.status_code == 500
    retried = await client.post("/v1/declines", json=decline_request(), headers=headers)
    assert retried.status_code == 201
    assert await count_rows(app) == 1


async def test_twenty_concurrent_retries_store_exactly_one(
    client: AsyncClient, app: FastAPI
) -> None:
    headers = {"Idempotency-Key": "stampede"}
    responses = await asyncio.gather(
        *[client.post("/v1/declines", json=decline_request(), headers=headers) for _ in range(20)]
    )
    statuses = sorted(response.status_code for response in responses)
    assert set(statuses) <= {201, 409}, statuses
    created = {response.json()["id"] for response in responses if response.status_code == 201}
    assert len(created) == 1
    for response in responses:
        if response.status_code == 409:
            assert response.headers["content-type"] == "application/problem+json"
    assert await count_rows(app) == 1
    # Once the first has finished, every retry gets the original response.
    replay = await client.post("/v1/declines", json=decline_request(), headers=headers)
    assert replay.json()["id"] in created
