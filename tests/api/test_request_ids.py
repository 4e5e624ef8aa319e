"""X-Request-Id on every response, and request_id with a stable code in every problem."""

import re

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import decline_request

pytestmark = pytest.mark.anyio

GENERATED = re.compile(r"[0-9a-f]{32}")


async def test_a_sent_id_is_echoed_on_success_and_in_problems(client: AsyncClient) -> None:
    created = await client.post(
        "/v1/declines", json=decline_request(), headers={"X-Request-Id": "req-abc.123"}
    )
    assert created.status_code == 201
    assert created.headers["x-request-id"] == "req-abc.123"
    missing = await client.get("/v1/declines/dcl_nope", headers={"X-Request-Id": "trace/42"})
    assert missing.headers["x-request-id"] == "trace/42"
    assert missing.json()["request_id"] == "trace/42"
    assert missing.json()["code"] == "not_found"


async def test_without_one_each_response_gets_a_new_id(client: AsyncClient) -> None:
    first = await client.get("/healthz")
    second = await client.get("/healthz")
    assert GENERATED.fullmatch(first.headers["x-request-id"])
    assert GENERATED.fullmatch(second.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sent=st.text(min_size=0, max_size=200))
async def test_only_short_visible_ascii_ids_are_taken(anonymous: AsyncClient, sent: str) -> None:
    encoded = sent.encode("utf-8")
    if any(byte in b"\r\n\x00" for byte in encoded):
        return  # not a header value a client can send
    response = await anonymous.get("/v1/reasons", headers=[(b"X-Request-Id", encoded)])
    echoed = response.headers["x-request-id"]
    assert response.json()["request_id"] == echoed
    if re.fullmatch(r"[\x21-\x7e]{1,128}", sent):
        assert echoed == sent
    else:
        assert GENERATED.fullmatch(echoed), sent


async def test_every_kind_of_problem_has_its_code(
    client: AsyncClient, anonymous: AsyncClient, app: FastAPI
) -> None:
    cases = [
        (await anonymous.get("/v1/declines"), 401, "unauthorized"),
        (await client.get("/v1/declines/dcl_x"), 404, "not_found"),
        (await client.get("/no/such/path"), 404, "not_found"),
        (await client.put("/v1/declines"), 405, "method_not_allowed"),
        (await client.post("/v1/declines", json=decline_request(role="")), 422, "validation_error"),
        (await client.get("/v1/declines", params={"limit": 0}), 422, "validation_error"),
        (
            await client.post("/v1/declines", content=b"x", headers={"content-type": "text/plain"}),
            415,
            "unsupported_media_type",
        ),
        (
            await client.post("/v1/declines", json=decline_request(role="x" * 70_000)),
            413,
            "payload_too_large",
        ),
        (
            await client.post("/v1/declines", content=b"{}", headers={"content-length": "nope"}),
            400,
            "bad_request",
        ),
    ]
    for response, status, code in cases:
        assert response.status_code == status, response.text
        body = response.json()
        assert body["code"] == code, body
        assert body["request_id"] == response.headers["x-request-id"]


async def test_reusing_an_idempotency_key_with_another_body_has_its_own_code(
    client: AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "k-1"}
    assert (await client.post("/v1/declines", json=decline_request(), headers=headers)).is_success
    other = await client.post("/v1/declines", json=decline_request(role="Other"), headers=headers)
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
