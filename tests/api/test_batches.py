"""POST /v1/declines/batch: many declines in one transaction, all stored or none."""

from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import count_rows, decline_request

pytestmark = pytest.mark.anyio

ALL_CHANNELS = ["email", "phone_script", "linkedin_note", "follow_ups"]


def items(count: int) -> list[dict[str, Any]]:
    return [
        decline_request(role=f"Role {number}", channels=ALL_CHANNELS) for number in range(count)
    ]


async def test_a_batch_stores_every_decline_and_returns_them_in_order(
    client: AsyncClient, app: FastAPI
) -> None:
    response = await client.post("/v1/declines/batch", json={"items": items(3)})

    assert response.status_code == 201, response.text
    declines = response.json()["items"]
    assert [decline["request"]["role"] for decline in declines] == ["Role 0", "Role 1", "Role 2"]
    assert all(decline["id"].startswith("dcl_") for decline in declines)
    assert all(set(decline["messages"]) == set(ALL_CHANNELS) for decline in declines)
    assert await count_rows(app) == 3
    for decline in declines:
        stored = await client.get(f"/v1/declines/{decline['id']}")
        assert stored.json() == decline
    log = (await client.get("/v1/declines")).json()["items"]
    assert {decline["id"] for decline in log} == {decline["id"] for decline in declines}


async def test_a_hundred_all_channel_declines_fit_in_one_batch(
    client: AsyncClient, app: FastAPI
) -> None:
    body = {"items": items(100)}
    response = await client.post("/v1/declines/batch", json=body)
    assert response.status_code == 201, response.text[:500]
    assert len(response.json()["items"]) == 100
    assert await count_rows(app) == 100


async def test_batch_size_is_one_to_a_hundred(client: AsyncClient, app: FastAPI) -> None:
    for count in (0, 101):
        response = await client.post("/v1/declines/batch", json={"items": items(count)})
        assert response.status_code == 422, count
        assert response.json()["errors"][0]["loc"] == ["body", "items"]
    assert await count_rows(app) == 0


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda size: st.tuples(
            st.just(size), st.sets(st.integers(0, size - 1), min_size=1, max_size=size)
        )
    ),
    st.sampled_from(
        [
            ("role", ""),
            ("stage", "hired"),
            ("tone", "sarcastic"),
            ("locale", "xx-YY"),
            ("surprise", "unknown field"),
        ]
    ),
)
async def test_invalid_items_are_named_by_index_and_nothing_is_stored(
    client: AsyncClient, app: FastAPI, shape: tuple[int, set[int]], broken: tuple[str, str]
) -> None:
    size, bad = shape
    field, value = broken
    body = items(size)
    for index in bad:
        body[index][field] = value
    response = await client.post("/v1/declines/batch", json={"items": body})

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    named = {tuple(error["loc"][:4]) for error in response.json()["errors"]}
    assert named == {("body", "items", index, field) for index in bad}
    assert await count_rows(app) == 0


async def test_an_idempotent_batch_is_replayed_not_stored_again(
    client: AsyncClient, app: FastAPI
) -> None:
    headers = {"Idempotency-Key": "batch-1"}
    first = await client.post("/v1/declines/batch", json={"items": items(2)}, headers=headers)
    again = await client.post("/v1/declines/batch", json={"items": items(2)}, headers=headers)
    other = await client.post("/v1/declines/batch", json={"items": items(3)}, headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 422
    assert "different body" in other.json()["detail"]
    assert await count_rows(app) == 2


async def test_an_idempotency_key_of_a_single_create_is_not_a_batch_replay(
    client: AsyncClient, app: FastAPI
) -> None:
    headers = {"Idempotency-Key": "shared"}
    single = await client.post("/v1/declines", json=decline_request(), headers=headers)
    batch = await client.post(
        "/v1/declines/batch", json={"items": [decline_request()]}, headers=headers
    )
    assert single.status_code == 201
    assert batch.status_code == 422
    assert await count_rows(app) == 1


async def test_tenants_never_see_each_others_batches(
    client: AsyncClient, other_client: AsyncClient
) -> None:
    created = (await client.post("/v1/declines/batch", json={"items": items(2)})).json()
    for decline in created["items"]:
        assert (await other_client.get(f"/v1/declines/{decline['id']}")).status_code == 404
    assert (await other_client.get("/v1/declines")).json()["items"] == []


async def test_erasing_a_batched_decline_erases_the_stored_batch_response_too(
    client: AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "batch-erased"}
    body = {"items": [decline_request(company="Forgettable Ltd"), decline_request()]}
    first = await client.post("/v1/declines/batch", json=body, headers=headers)
    erased = first.json()["items"][0]["id"]
    assert (await client.delete(f"/v1/declines/{erased}")).status_code == 204

    again = await client.post("/v1/declines/batch", json=body, headers=headers)
    # The candidate's right to erasure: no stored copy of the decline may come back.
    assert "Forgettable" not in again.text
    assert erased not in again.text
    assert again.status_code == 404
