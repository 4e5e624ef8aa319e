"""GET /metrics: Prometheus text with request, composition, database and rate-limit figures."""

import uuid
from pathlib import Path

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from prometheus_client.parser import text_string_to_metric_families

from app.config import Settings
from app.main import create_app
from tests.conftest import decline_request, http_client, new_key

pytestmark = pytest.mark.anyio
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def _samples(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def _scrape(client: AsyncClient) -> Samples:
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    return _samples(response.text)


def _value(
    samples: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def test_requests_are_counted_by_route_template_and_status(client: AsyncClient) -> None:
    before = await _scrape(client)
    created = await client.post("/v1/declines", json=decline_request())
    assert (await client.get(f"/v1/declines/{created.json()['id']}")).status_code == 200
    assert (await client.get("/v1/declines/dcl_missing")).status_code == 404
    assert (await client.get(f"/nowhere/{uuid.uuid4()}")).status_code == 404
    after = await _scrape(client)

    def grew(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    route = "/v1/declines/{decline_id}"
    total = "gracious_http_requests_total"
    assert grew(total, method="POST", route="/v1/declines", status="201") == 1
    assert grew(total, method="GET", route=route, status="200") == 1
    assert grew(total, method="GET", route=route, status="404") == 1
    # Paths no route serves share one series, so clients cannot mint new ones.
    assert grew(total, method="GET", route="unmatched", status="404") == 1
    histogram = "gracious_http_request_duration_seconds_count"
    assert grew(histogram, method="POST", route="/v1/declines", status="201") == 1
    assert grew("gracious_composition_seconds_count") == 1
    assert not any("dcl_" in str(labels) for _, labels in after)


async def test_database_outages_and_rate_limits_are_counted(
    tmp_path: Path, database_url: str
) -> None:
    down = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path}/no/such/dir.db"))
    async with down.router.lifespan_context(down):
        transport = ASGITransport(app=down, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://t") as http:
            before = await _scrape(http)
            assert (await http.get("/readyz")).status_code == 503
            after = await _scrape(http)
    outages = "gracious_database_unavailable_total"
    assert (
        sum(v for (n, _), v in after.items() if n == outages)
        - sum(v for (n, _), v in before.items() if n == outages)
        == 1
    )

    limited = create_app(Settings(database_url=database_url, rate_limit_per_minute=1))
    async with LifespanManager(limited):
        key = await new_key(limited, "limited")
        async with http_client(limited, key) as http:
            before = await _scrape(http)
            statuses = [(await http.get("/v1/reasons")).status_code for _ in range(2)]
            after = await _scrape(http)
    assert statuses == [200, 429]
    rejections = "gracious_rate_limit_rejections_total"
    assert _value(after, rejections) - _value(before, rejections) == 1


async def test_a_token_guards_metrics_and_they_can_be_turned_off(database_url: str) -> None:
    guarded = create_app(Settings(database_url=database_url, metrics_token="s3cret"))
    async with LifespanManager(guarded), http_client(guarded, None) as http:
        refused = await http.get("/metrics")
        assert refused.status_code == 401
        assert refused.json()["code"] == "unauthorized"
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        allowed = await http.get("/metrics", headers={"Authorization": "Bearer s3cret"})
        assert allowed.status_code == 200
        assert "gracious_http_requests_total" in allowed.text

    off = create_app(Settings(database_url=database_url, metrics_enabled=False))
    async with LifespanManager(off), http_client(off, None) as http:
        assert (await http.get("/metrics")).status_code == 404
