"""Per-key rate limits: IETF RateLimit headers, 429 with Retry-After, shared through Redis."""

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from app.config import Settings
from app.main import create_app
from scripts.bench import server
from tests.conftest import http_client, new_key

pytestmark = pytest.mark.anyio
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.fixture
async def limited_app(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(Settings(database_url=database_url, rate_limit_per_minute=3))
    async with LifespanManager(application):
        yield application


async def test_limit_headers_then_429_with_retry_after(limited_app: FastAPI) -> None:
    key = await new_key(limited_app, f"limited-{uuid.uuid4().hex[:8]}")
    async with http_client(limited_app, key) as http:
        remaining = []
        for _ in range(3):
            response = await http.get("/v1/reasons")
            assert response.status_code == 200
            assert response.headers["ratelimit-policy"] == '"default";q=3;w=60'
            remaining.append(response.headers["ratelimit"].split(";")[1])
        assert remaining == ["r=2", "r=1", "r=0"]

        refused = await http.get("/v1/reasons")
        assert refused.status_code == 429
        assert refused.headers["content-type"] == "application/problem+json"
        retry_after = int(refused.headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert refused.headers["ratelimit"].startswith('"default";r=0;t=')
        assert "3 requests a minute" in refused.json()["detail"]

    # Another key has its own budget.
    other = await new_key(limited_app, f"other-{uuid.uuid4().hex[:8]}")
    async with http_client(limited_app, other) as http:
        assert (await http.get("/v1/reasons")).status_code == 200


@pytest.mark.skipif(not REDIS_URL, reason="TEST_REDIS_URL is not set")
async def test_two_processes_share_one_limit_through_redis(
    database_url: str, limited_app: FastAPI, tmp_path: Path
) -> None:
    key = await new_key(limited_app, f"shared-{uuid.uuid4().hex[:8]}")
    env = server.service_env(database_url, REDIS_URL=REDIS_URL, RATE_LIMIT_PER_MINUTE="4")
    headers = {"Authorization": f"Bearer {key}"}
    with (
        server.running("app.main:app", env, tmp_path / "first.log") as first,
        server.running("app.main:app", env, tmp_path / "second.log") as second,
    ):
        async with httpx.AsyncClient(headers=headers, timeout=10) as http:
            statuses = [
                (await http.get(f"{live.url}/v1/reasons")).status_code
                for live in [first, second, first, second, first, second]
            ]
    assert statuses == [200, 200, 200, 200, 429, 429]
