"""HTTP behind a proxy or a browser: HEAD, gzip, CORS, and no server banner."""

import gzip
import re
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from httpx import AsyncClient

from app.config import Settings
from app.main import create_app
from tests.conftest import decline_request, http_client

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


async def test_head_answers_wherever_get_does(client: AsyncClient) -> None:
    created = (await client.post("/v1/declines", json=decline_request())).json()
    for path in [
        "/healthz",
        "/readyz",
        "/v1/reasons",
        "/v1/declines",
        f"/v1/declines/{created['id']}",
    ]:
        get = await client.get(path)
        head = await client.head(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert head.headers["content-length"] == get.headers["content-length"]
    missing = await client.head("/v1/declines/dcl_missing")
    assert missing.status_code == 404
    assert missing.content == b""
    # A 405 names HEAD beside GET.
    refused = await client.put("/healthz")
    assert refused.status_code == 405
    assert refused.headers["allow"] == "GET, HEAD"


async def test_large_responses_are_gzipped_for_clients_that_ask(client: AsyncClient) -> None:
    created = await client.post(
        "/v1/declines", json=decline_request(), headers={"Accept-Encoding": "gzip"}
    )
    assert created.status_code == 201
    assert created.headers["content-encoding"] == "gzip"
    assert int(created.headers["content-length"]) < len(created.content)
    assert created.json()["id"].startswith("dcl_")
    raw = await client.get(
        f"/v1/declines/{created.json()['id']}", headers={"Accept-Encoding": "identity"}
    )
    assert "content-encoding" not in raw.headers
    small = await client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    assert gzip.compress(raw.content)  # sanity: the plain body is what was compressed


async def test_cors_is_off_unless_origins_are_set(client: AsyncClient, database_url: str) -> None:
    browser = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
    response = await client.options("/v1/declines", headers=browser)
    assert "access-control-allow-origin" not in response.headers

    app = create_app(Settings(database_url=database_url, cors_origins="https://app.example"))
    async with LifespanManager(app), http_client(app, None) as http:
        preflight = await http.options(
            "/v1/declines",
            headers={**browser, "Access-Control-Request-Headers": "authorization,idempotency-key"},
        )
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://app.example"
        assert "idempotency-key" in preflight.headers["access-control-allow-headers"].lower()
        answer = await http.get("/v1/declines", headers={"Origin": "https://app.example"})
        assert answer.status_code == 401
        assert answer.headers["access-control-allow-origin"] == "https://app.example"
        exposed = answer.headers["access-control-expose-headers"].lower()
        assert "x-request-id" in exposed
        assert "ratelimit" in exposed
        other = await http.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_every_way_of_serving_turns_off_the_server_banner() -> None:
    # make run and the container both serve through `gracious serve`, whose uvicorn config
    # sends no server header.
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "uvicorn app.main:app" not in makefile + dockerfile
    assert len(re.findall(r"gracious serve", makefile + dockerfile)) == 2
    from app.config import Settings
    from app.serve import config

    assert config(Settings()).server_header is False
