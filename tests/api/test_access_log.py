"""One structured line per request: id, tenant, route template, status, duration; no values."""

import json
import logging
from collections.abc import Iterator

import pytest
from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

from app.config import Settings
from app.main import create_app
from tests.conftest import decline_request, http_client, new_key

pytestmark = pytest.mark.anyio


class _Lines(logging.Handler):
    """Records the formatted lines the `gracious` logger's own handler would write."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        [ours] = [h for h in logging.getLogger("gracious").handlers if h.get_name() == "gracious"]
        assert ours.formatter is not None
        ours.filter(record)  # what our handler adds to a record before it formats it
        formatter = ours.formatter
        self.lines.append(formatter.format(record))


@pytest.fixture
def lines() -> Iterator[list[str]]:
    handler = _Lines()
    logger = logging.getLogger("gracious")
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


async def test_json_lines_carry_the_request_id_and_nothing_sent(
    database_url: str, lines: list[str]
) -> None:
    app = create_app(Settings(database_url=database_url, log_format="json"))
    async with LifespanManager(app), http_client(app, await new_key(app, "tenant-log")) as http:
        body = decline_request(company="Secretive Corp", role="Undercover Role")
        created = await http.post("/v1/declines", json=body, headers={"X-Request-Id": "r-1"})
        await http.get("/v1/declines", params={"q": "Hidden Query Value"})
        await http.get(f"/v1/declines/{created.json()['id']}")
    access = [json.loads(line) for line in lines if '"logger": "gracious.access"' in line]
    assert [entry["route"] for entry in access] == [
        "/v1/declines",
        "/v1/declines",
        "/v1/declines/{decline_id}",
    ]
    first = access[0]
    assert first["request_id"] == "r-1" == created.headers["x-request-id"]
    assert first["status"] == 201
    assert first["method"] == "POST"
    assert first["tenant_id"].startswith("ten_")
    assert isinstance(first["duration_ms"], float)
    text = "\n".join(lines)
    for private in ["Secretive", "Undercover", "Hidden Query", "Ana Ruiz", "gr_live_", "dcl_"]:
        assert private not in text


async def test_text_lines_are_key_value_pairs(database_url: str, lines: list[str]) -> None:
    app = create_app(Settings(database_url=database_url, log_format="text"))
    async with LifespanManager(app), http_client(app, None) as http:
        response = await http.get("/healthz", headers={"X-Request-Id": "abc"})
    assert response.status_code == 200
    [line] = [line for line in lines if "request_id=abc" in line]
    assert " info request " in line
    assert "route=/healthz status=200 " in line
    assert "tenant_id=- " in line
    assert "duration_ms=" in line


async def test_other_lines_written_during_a_request_name_it(
    lines: list[str],
) -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:9/nowhere"
    app = create_app(Settings(database_url=url, log_format="json", db_timeout_seconds=2))
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/readyz", headers={"X-Request-Id": "outage-1"})
    assert response.status_code == 503
    entries = [json.loads(line) for line in lines]
    warning = [entry for entry in entries if entry["level"] == "warning"]
    assert warning, entries
    assert warning[0]["request_id"] == "outage-1"
