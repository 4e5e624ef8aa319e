"""GET /v1/declines/export: every matching decline, streamed, as CSV or NDJSON."""

import asyncio
import csv
import io
import json
import logging
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import event

from app.config import Settings
from app.export import COLUMNS, neutralised
from app.main import create_app
from tests.conftest import decline_request, http_client, new_key

pytestmark = pytest.mark.anyio

HOSTILE: dict[str, Any] = {
    "company": '=HYPERLINK("http://evil.example","Click")',
    "role": '+cmd|" /C calc"!A0, "quoted"',
    "candidate": {"name": "@SUM(1+1)"},
    "recipient": {"name": "-2+3, Ünïcødé 名前"},
}


def parse_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


async def store(client: AsyncClient, bodies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = await client.post("/v1/declines/batch", json={"items": bodies})
    assert response.status_code == 201, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_csv_has_the_documented_columns_and_neutralises_formulas(
    client: AsyncClient,
) -> None:
    [hostile, plain] = await store(
        client, [decline_request(**HOSTILE), decline_request(channels=["email"])]
    )
    response = await client.get("/v1/declines/export")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv; charset=utf-8")
    assert 'filename="declines.csv"' in response.headers["content-disposition"]
    text = response.content.decode("utf-8")
    assert text.endswith("\r\n")
    assert text.removeprefix("\ufeff").split("\r\n", 1)[0] == ",".join(COLUMNS)
    rows = parse_csv(text)
    assert [row["id"] for row in rows] == [plain["id"], hostile["id"]]  # newest first
    row = rows[1]
    assert row["company"] == "'" + HOSTILE["company"]
    assert row["role"] == "'" + HOSTILE["role"]
    assert row["candidate"] == "'@SUM(1+1)"
    assert row["recipient"] == "'-2+3, Ünïcødé 名前"
    assert row["stage"] == "offer"
    assert row["reason"] == "career_direction"
    assert row["created_at"].startswith(hostile["created_at"][:23])
    assert row["channels"] == "email phone_script linkedin_note follow_ups"
    assert row["tone"] == "warm"
    assert row["locale"] == "en"
    assert row["template_version"] == hostile["template_version"]
    assert row["closeout_id"] == ""
    assert rows[0]["channels"] == "email"
    # RFC 4180: a field with quotes or commas is quoted and its quotes doubled.
    assert '"\'+cmd|"" /C calc""!A0, ""quoted"""' in text


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("a=1", "a=1"),
        ("Acme", "Acme"),
    ],
)
def test_every_formula_start_is_neutralised(cell: str, shown: str) -> None:
    # Tabs and carriage returns never survive request validation; the rule covers them anyway.
    assert neutralised(cell) == shown


async def test_ndjson_and_the_log_filters(client: AsyncClient) -> None:
    stored = await store(
        client,
        [
            decline_request(stage="interview", company="Globex"),
            decline_request(stage="offer", company="Globex", reason={"category": "timing"}),
            decline_request(stage="offer", company="Initech"),
        ],
    )
    response = await client.get("/v1/declines/export", params={"format": "ndjson"})
    assert response.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [line["id"] for line in lines] == [d["id"] for d in reversed(stored)]
    assert list(lines[0]) == list(COLUMNS)
    assert lines[0]["channels"] == ["email", "phone_script", "linkedin_note", "follow_ups"]
    assert lines[0]["recipient"] == "Jordan Lee"

    async def ids(**params: str) -> list[str]:
        found = await client.get("/v1/declines/export", params={"format": "ndjson", **params})
        assert found.status_code == 200, found.text
        return [json.loads(line)["id"] for line in found.text.splitlines()]

    assert await ids(company="globex") == [stored[1]["id"], stored[0]["id"]]
    assert await ids(stage="offer", reason="timing") == [stored[1]["id"]]
    assert await ids(q="initech") == [stored[2]["id"]]
    assert await ids(created_after="2999-01-01T00:00:00Z") == []
    bad = await client.get("/v1/declines/export", params={"format": "xlsx"})
    assert bad.status_code == 422


async def test_an_export_sees_only_the_callers_declines(
    client: AsyncClient, other_client: AsyncClient
) -> None:
    await store(client, [decline_request()])
    theirs = await other_client.get("/v1/declines/export", params={"format": "ndjson"})
    assert theirs.text == ""
    empty_csv = await other_client.get("/v1/declines/export")
    assert parse_csv(empty_csv.text) == []


@pytest.fixture
async def paged_app(settings: Settings, app: FastAPI) -> AsyncIterator[FastAPI]:
    """The app with exports read three rows at a time (the `app` fixture cleaned the tables)."""
    application = create_app(settings.model_copy(update={"export_page_rows": 3}))
    async with LifespanManager(application):
        yield application


def count_pages(app: FastAPI) -> list[str]:
    statements: list[str] = []

    @event.listens_for(app.state.engine.sync_engine, "before_cursor_execute")
    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM declines" in statement and "ORDER BY" in statement:
            statements.append(statement)

    return statements


async def test_keyset_pages_cover_every_row_once(paged_app: FastAPI) -> None:
    async with http_client(paged_app, await new_key(paged_app, "paged")) as client:
        stored = await store(client, [decline_request(role=f"Role {n}") for n in range(10)])
        pages = count_pages(paged_app)
        rows = parse_csv((await client.get("/v1/declines/export")).text)
    assert [row["id"] for row in rows] == [d["id"] for d in reversed(stored)]
    assert len(pages) == 4  # 3 + 3 + 3 + 1


async def leave_after_the_first_page(app: FastAPI, key: str, spec_version: str) -> list[bytes]:
    """Run one export as a client that goes away once the first page has arrived: with ASGI
    2.4 the server learns it when sending fails, before that when receive() says so."""
    sent: list[bytes] = []
    gone = asyncio.Event()

    async def receive() -> dict[str, Any]:
        await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: MutableMapping[str, Any]) -> None:
        if message["type"] != "http.response.body":
            return
        if len(sent) == 2:  # the header and the first page arrived; the client leaves
            gone.set()
            if spec_version == "2.4":
                raise OSError("connection reset by peer")
            await asyncio.sleep(0.2)  # the server notices through receive()
        sent.append(message.get("body", b""))

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": spec_version},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/v1/declines/export",
        "raw_path": b"/v1/declines/export",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"authorization", f"Bearer {key}".encode())],
        "client": ("127.0.0.1", 1),
        "server": ("testserver", 80),
    }
    await asyncio.wait_for(app(scope, receive, send), timeout=10)
    return sent


async def test_a_client_that_leaves_mid_export_stops_the_reading(
    paged_app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    key = await new_key(paged_app, "leaver")
    async with http_client(paged_app, key) as client:
        await store(client, [decline_request(role=f"Role {n}") for n in range(30)])
    pages = count_pages(paged_app)
    for spec_version in ("2.4", "2.0"):
        pages.clear()
        with caplog.at_level(logging.INFO, logger="gracious"):
            sent = await leave_after_the_first_page(paged_app, key, spec_version)
        assert len(sent) == 2, spec_version
        assert 1 <= len(pages) <= 3, (spec_version, len(pages))  # of 10 pages
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR], spec_version
    # The service is unharmed: the next export is whole.
    async with http_client(paged_app, key) as client:
        assert len(parse_csv((await client.get("/v1/declines/export")).text)) == 30
