"""Every example openapi.yaml documents is what the service really sends (or accepts)."""

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import AsyncClient, Response

from app.config import Settings
from app.main import create_app
from app.schemas import DeclineRequest
from app.store import idempotency
from app.store import keys as key_store
from tests.conftest import decline_request, http_client, new_key

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
UNKNOWN_ID = "dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"
BAD_KEY = {"Authorization": "Bearer gr_live_" + "x" * 43}


def _documented() -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (path, method, status, response)
        for path, methods in SPEC["paths"].items()
        for method, operation in methods.items()
        for status, response in operation["responses"].items()
        if "example" in response.get("content", {}).get("application/problem+json", {})
    ]


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """Everything but what differs between two requests: the id, and counts and seconds."""
    return {
        **body,
        "request_id": bool(re.fullmatch(r"[0-9a-f]{32}", body["request_id"])),
        "detail": re.sub(r"\d+", "N", body["detail"]),
    }


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(Settings(database_url=database_url, rate_limit_per_minute=1))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def down(tmp_path: Path) -> AsyncIterator[FastAPI]:
    url = f"sqlite+aiosqlite:///{tmp_path}/missing-folder/gracious.db"
    application = create_app(Settings(database_url=url, db_timeout_seconds=2))
    async with application.router.lifespan_context(application):
        yield application


Send = Callable[[AsyncClient, str, str], Awaitable[Response]]


async def _send(http: AsyncClient, method: str, path: str, **kwargs: Any) -> Response:
    if "{decline_id}" in path:
        path = path.replace("{decline_id}", UNKNOWN_ID)
    if method == "post" and "content" not in kwargs and "json" not in kwargs:
        kwargs["json"] = decline_request()
    return await http.request(method.upper(), path, **kwargs)


async def test_every_documented_problem_is_what_the_service_sends(
    app: FastAPI, client: AsyncClient, api_key: str, limited: FastAPI, down: FastAPI
) -> None:
    principal = await key_store.authenticate(app.state.driver, api_key, None)
    assert principal is not None
    in_flight = decline_request()

    async def provoke(path: str, method: str, status: str) -> Response:
        if status == "401":
            return await _send(client, method, path, headers=BAD_KEY)
        if status == "404":
            return await _send(client, method, path)
        if status == "409":
            # A first request with this key is still running: its claim is in place.
            body = DeclineRequest.model_validate(in_flight).model_dump_json()
            await idempotency.claim(
                app.state.engine,
                tenant_id=principal.tenant_id,
                key="in-flight",
                fingerprint=__import__("hashlib").sha256(body.encode()).hexdigest(),
                now=datetime.now(UTC),
            )
            return await _send(
                client, method, path, json=in_flight, headers={"Idempotency-Key": "in-flight"}
            )
        if status == "413":
            return await _send(client, method, path, json=decline_request(role="x" * 70_000))
        if status == "415":
            return await _send(
                client, method, path, content=b"{}", headers={"content-type": "text/plain"}
            )
        if status == "422":
            if method == "get":
                return await _send(client, method, path, params={"limit": 101})
            return await _send(client, method, path, json=decline_request(role=""))
        if status == "429":
            async with http_client(limited, await new_key(limited, "limited")) as http:
                await _send(http, method, path)
                return await _send(http, method, path)
        if status == "503":
            async with http_client(down, BAD_KEY["Authorization"].split()[1]) as http:
                return await _send(http, method, path)
        raise AssertionError(f"no way to provoke {status} for {method} {path}: add one")

    documented = _documented()
    assert len(documented) > 20
    for path, method, status, response in documented:
        example = response["content"]["application/problem+json"]["example"]
        live = await provoke(path, method, status)
        where = f"{method.upper()} {path} {status}"
        assert live.status_code == int(status), (where, live.text)
        assert live.headers["content-type"] == "application/problem+json", where
        assert _comparable(live.json()) == _comparable(example), where
        for header in response.get("headers", {}):
            if not header.startswith("RateLimit") or live.status_code == 429:
                assert header.lower() in live.headers, (where, header)


async def test_every_documented_request_example_is_accepted(client: AsyncClient) -> None:
    examples = SPEC["paths"]["/v1/declines"]["post"]["requestBody"]["content"]["application/json"]
    assert examples["examples"]
    for name, example in examples["examples"].items():
        created = await client.post("/v1/declines", json=example["value"])
        assert created.status_code == 201, (name, created.text)
        preview = await client.post("/v1/declines/preview", json=example["value"])
        assert preview.status_code == 200, (name, preview.text)


def test_request_examples_carry_no_date_that_will_pass() -> None:
    moments = re.findall(r"\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})", yaml.safe_dump(SPEC))
    request_examples = [
        example["value"]
        for methods in SPEC["paths"].values()
        for operation in methods.values()
        for example in operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("examples", {})
        .values()
    ]
    dated = re.findall(r"\d{4}-\d{2}-\d{2}T[^'\"]+", yaml.safe_dump(request_examples))
    assert dated, "the examples show an interview time"
    for moment in dated:
        when = datetime.fromisoformat(moment.strip())
        assert when.year >= datetime.now(UTC).year + 50, moment
    assert moments
