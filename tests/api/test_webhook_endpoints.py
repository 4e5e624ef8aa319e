"""Webhook endpoints: the resource, and the addresses they may never reach."""

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.config import Settings
from app.worker import Worker
from scripts.bench.receiver import receiving
from tests.conftest import decline_request

pytestmark = pytest.mark.anyio
PUBLIC = "https://93.184.215.14/hooks"  # a public address: no DNS needed


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Private networks refused, as in production; the only worker is the test's own.
    return Settings(database_url=database_url, rate_limit_per_minute=0, worker_embedded=False)


async def test_an_endpoint_is_created_listed_changed_and_removed(
    client: AsyncClient, other_client: AsyncClient
) -> None:
    response = await client.post(
        "/v1/webhook-endpoints",
        json={"url": PUBLIC, "events": ["decline.created"], "description": "ATS"},
    )
    assert response.status_code == 201
    created = response.json()
    assert created["id"].startswith("we_")
    assert created["secret"].startswith("whsec_")
    assert response.headers["location"] == f"/v1/webhook-endpoints/{created['id']}"
    url = f"/v1/webhook-endpoints/{created['id']}"
    public = {key: value for key, value in created.items() if key != "secret"}
    assert (await client.get(url)).json() == public
    assert (await client.get("/v1/webhook-endpoints")).json() == {"items": [public]}
    assert (await other_client.get(url)).status_code == 404
    assert (await other_client.get("/v1/webhook-endpoints")).json() == {"items": []}
    changed = await client.patch(url, json={"events": ["*"], "enabled": False})
    assert changed.json()["events"] == ["*"]
    assert changed.json()["enabled"] is False
    assert changed.json()["disabled_reason"]
    enabled = (await client.patch(url, json={"enabled": True})).json()
    assert enabled["enabled"] is True
    assert enabled["disabled_reason"] is None
    assert (await other_client.delete(url)).status_code == 404
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"url": PUBLIC, "events": []},
        {"url": PUBLIC, "events": ["decline.exploded"]},
        {"url": PUBLIC},
        {"url": PUBLIC, "events": ["*"], "secret": "mine"},
        {"url": "not a url", "events": ["*"]},
        {"url": "https://user:pw@93.184.215.14/", "events": ["*"]},
    ],
)
async def test_a_bad_endpoint_is_refused(client: AsyncClient, body: dict[str, object]) -> None:
    response = await client.post("/v1/webhook-endpoints", json=body)
    assert response.status_code == 422
    assert (await client.get("/v1/webhook-endpoints")).json() == {"items": []}


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://[::1]/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://[fd00::1]/hooks",
        "https://localhost/hooks",  # a name resolving to loopback
        "http://93.184.215.14/hooks",  # not https
    ],
)
async def test_private_addresses_and_http_are_refused_without_the_setting(
    client: AsyncClient, url: str
) -> None:
    response = await client.post("/v1/webhook-endpoints", json={"url": url, "events": ["*"]})
    assert response.status_code == 422, url
    assert response.json()["errors"][0]["loc"] == ["body", "url"]
    created = await client.post("/v1/webhook-endpoints", json={"url": PUBLIC, "events": ["*"]})
    changed = await client.patch(f"/v1/webhook-endpoints/{created.json()['id']}", json={"url": url})
    assert changed.status_code == 422


async def test_a_name_that_rebinds_to_loopback_is_refused_when_connecting(
    app: FastAPI, client: AsyncClient, settings: Settings
) -> None:
    async def rebinding(host: str, port: int) -> list[str]:
        # Public when the endpoint was saved, loopback now.
        return ["127.0.0.1"] if host == "rebind.test" else []

    async with receiving() as receiver:
        # The name does not resolve here when it is saved, so only the connection can check it.
        response = await client.post(
            "/v1/webhook-endpoints",
            json={"url": f"https://rebind.test:{receiver.port}/hooks", "events": ["*"]},
        )
        assert response.status_code == 201
        endpoint = response.json()
        await client.post("/v1/declines", json=decline_request(channels=["email"]))
        worker = Worker(
            app.state.engine, settings, clock=lambda: datetime.now(UTC), resolver=rebinding
        )
        for _ in range(3):
            await worker.run_once()
        await worker.close()
        assert receiver.received == []
        attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
        assert attempts["items"]
        assert all(attempt["response_status"] is None for attempt in attempts["items"])
        assert any("no public address" in attempt["error"] for attempt in attempts["items"])
