"""Every failure is RFC 9457 problem+json, says what went wrong, and stores nothing."""

import asyncio
import copy
import json
import threading
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.config import Settings
from app.main import create_app
from tests.conftest import count_rows, decline_request

pytestmark = pytest.mark.anyio

PROBLEM = "application/problem+json"


def _is_problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"]
    assert body["detail"]
    return body


# (path to the field, an invalid value); each must be refused with the field named.
INVALID: list[tuple[tuple[str, ...], Any]] = [
    (("stage",), "hired"),
    (("stage",), None),
    (("role",), ""),
    (("role",), "   "),
    (("role",), "x" * 201),
    (("role",), 42),
    (("company",), ""),
    (("company",), "a\x00b"),
    (("company",), "a\ud800b"),
    (("candidate", "name"), ""),
    (("candidate", "name"), "n" * 121),
    (("candidate", "email"), "not-an-email"),
    (("candidate", "phone"), "call me"),
    (("recipient", "name"), ""),
    (("recipient", "email"), "jordan@"),
    (("candidate", "email"), "ana\x00@example.com"),
    (("referral", "email"), "sam@exa\x85mple.com"),
    (("recipient", "email"), "jordan@example.com\ud800"),
    (("reason", "category"), "boredom"),
    (("reason", "detail"), "d" * 501),
    (("preferred_role", "title"), ""),
    (("referral", "timing"), "someday"),
    (("relationship", "keep_in_touch"), "perhaps"),
    (("interview_at",), "2026-12-01T15:00:00"),
    (("interview_at",), "next tuesday"),
    (("tone",), "sarcastic"),
    (("locale",), "fr"),
    (("channels",), ["email", "carrier_pigeon"]),
    (("channels",), "email"),
    (("linkedin_limit",), 250),
    (("typo_field",), "x"),
    (("candidate", "nickname"), "x"),
]


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(decline_request())
    target = body
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return body


@settings(
    max_examples=len(INVALID) * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(case=st.sampled_from(INVALID), endpoint=st.sampled_from(["", "/preview"]))
async def test_each_invalid_field_is_422_naming_it_and_stores_nothing(
    client: AsyncClient, app: FastAPI, case: tuple[tuple[str, ...], Any], endpoint: str
) -> None:
    path, value = case
    before = await count_rows(app)

    # Encoded by hand: ensure_ascii lets a lone surrogate travel as the escape JSON allows.
    response = await client.post(
        f"/v1/declines{endpoint}",
        content=json.dumps(_with(path, value), ensure_ascii=True),
        headers={"content-type": "application/json"},
    )

    problem = _is_problem(response, 422)
    assert any(tuple(error["loc"][1 : len(path) + 1]) == path for error in problem["errors"])
    assert ".".join(path) in problem["detail"]
    assert await count_rows(app) == before


async def test_unsupported_locale_lists_the_supported_ones(client: AsyncClient) -> None:
    problem = _is_problem(await client.post("/v1/declines", json=decline_request(locale="de")), 422)
    assert "supported: en" in problem["detail"]


async def test_missing_required_fields_are_all_named(client: AsyncClient) -> None:
    problem = _is_problem(await client.post("/v1/declines", json={}), 422)
    named = {tuple(error["loc"]) for error in problem["errors"]}
    for field in ["stage", "role", "company", "candidate", "reason"]:
        assert ("body", field) in named


async def test_body_that_is_not_json(client: AsyncClient, app: FastAPI) -> None:
    headers = {"content-type": "application/json"}
    _is_problem(await client.post("/v1/declines", content=b"{not json", headers=headers), 422)
    _is_problem(await client.post("/v1/declines", content=b"[1, 2]", headers=headers), 422)
    _is_problem(await client.post("/v1/declines", content=b"\xff\xfe{}", headers=headers), 422)
    assert await count_rows(app) == 0


async def test_wrong_content_type_is_415(client: AsyncClient, app: FastAPI) -> None:
    for content_type in ["text/plain", "application/x-www-form-urlencoded", ""]:
        response = await client.post(
            "/v1/declines", content=b'{"stage": "offer"}', headers={"content-type": content_type}
        )
        problem = _is_problem(response, 415)
        assert "application/json" in problem["detail"]
    assert await count_rows(app) == 0


async def test_oversize_body_is_413(client: AsyncClient, app: FastAPI) -> None:
    body = decline_request(role="x" * 70_000)
    _is_problem(await client.post("/v1/declines", json=body), 413)

    async def chunks() -> Any:
        for _ in range(20):
            yield b" " * 4096

    streamed = await client.post(
        "/v1/declines", content=chunks(), headers={"content-type": "application/json"}
    )
    _is_problem(streamed, 413)
    assert await count_rows(app) == 0


async def test_wrong_method_is_405_with_allow(client: AsyncClient) -> None:
    response = await client.put("/v1/declines")
    _is_problem(response, 405)
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "POST"}

    response = await client.post("/v1/declines/dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY")
    _is_problem(response, 405)
    assert "DELETE" in response.headers["allow"]


async def test_unknown_path_is_404(client: AsyncClient) -> None:
    _is_problem(await client.get("/v2/whatever"), 404)


async def test_server_error_is_500_without_a_traceback(client: AsyncClient, app: FastAPI) -> None:
    def broken_clock() -> Any:
        raise RuntimeError("secret internal detail")

    real = app.state.clock
    app.state.clock = broken_clock
    try:
        response = await client.post("/v1/declines", json=decline_request())
    finally:
        app.state.clock = real
    problem = _is_problem(response, 500)
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert "Nothing was stored" in problem["detail"]
    assert await count_rows(app) == 0


async def test_unreachable_database_is_503_with_retry_after(tmp_path: Any) -> None:
    unreachable = [
        "postgresql+asyncpg://postgres@127.0.0.1:9/nowhere",
        f"sqlite+aiosqlite:///{tmp_path}/missing-folder/gracious.db",
    ]
    for url in unreachable:
        app = create_app(Settings(database_url=url, db_timeout_seconds=2, retry_after_seconds=7))
        async with app.router.lifespan_context(app):
            transport = ASGITransport(app=app, raise_app_exceptions=False)
            # A well-formed key: checking it needs the database, which is down.
            headers = {"Authorization": "Bearer gr_live_" + "x" * 43}
            async with AsyncClient(
                transport=transport, base_url="http://t", headers=headers
            ) as client:
                for response in [
                    await client.post("/v1/declines", json=decline_request()),
                    await client.get("/v1/declines"),
                    await client.get("/readyz"),
                ]:
                    problem = _is_problem(response, 503)
                    assert response.headers["retry-after"] == "7"
                    assert "database" in problem["detail"]
                assert (await client.get("/healthz")).json() == {"status": "ok"}
    # aiosqlite stops the worker thread of a failed connect after the caller has moved on; if the
    # test's event loop closes first, that thread dies with "Event loop is closed".
    for thread in threading.enumerate():
        if thread.name.endswith("(_connection_worker_thread)"):
            await asyncio.to_thread(thread.join, 5)
