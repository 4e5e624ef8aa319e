"""Hostile clients against a live server started as production starts it (`gracious serve`):
a 500 that says it closes the connection, logs without personal text, and slow or stalled
clients that cannot hold the server (issue 11: 4, 8, 12)."""

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from scripts.bench import databases
from tests.conftest import decline_request
from tests.reliability.live import Service, backends, serving

pytestmark = pytest.mark.anyio
SECRET_COMPANY = "Boom Zqxcompany"
SECRET_NAME = "Zqxwv Candidate"

_PG_TRIGGER = """
CREATE FUNCTION refuse_boom() RETURNS trigger AS $$
BEGIN
    IF NEW.company LIKE 'Boom%' THEN
        RAISE EXCEPTION 'refused %', NEW.company;
    END IF;
    RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER refuse_boom BEFORE INSERT ON declines FOR EACH ROW EXECUTE FUNCTION refuse_boom();
"""
_SQLITE_TRIGGER = (
    "CREATE TRIGGER refuse_boom BEFORE INSERT ON declines WHEN NEW.company LIKE 'Boom%' "
    "BEGIN SELECT RAISE(ABORT, 'refused'); END"
)


def _sabotage(url: str, sql_pg: str, sql_sqlite: str) -> None:
    """A database that refuses some statements: the only way left to make the service fail."""
    if databases.is_postgresql(url):

        async def run() -> None:
            connection = await asyncpg.connect(databases.driver_dsn(url))
            try:
                await connection.execute(sql_pg)
            finally:
                await connection.close()

        asyncio.run(run())
        return
    with contextlib.closing(sqlite3.connect(databases.sqlite_path(url))) as connection:
        connection.execute(sql_sqlite)
        connection.commit()


@pytest.fixture(scope="module", params=backends())
def sabotaged(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    """One live service per backend for the module, on a database with a trigger that refuses
    declines for companies starting with "Boom"."""
    env = {"LOG_LEVEL": "info", "HEADER_TIMEOUT_SECONDS": "1", "BODY_TIMEOUT_SECONDS": "1"}
    tmp_path = tmp_path_factory.mktemp("sabotaged")
    with databases.database(request.param, tmp_path) as url:
        _sabotage(url, _PG_TRIGGER, _SQLITE_TRIGGER)
        with serving(url, tmp_path, **env) as live:
            yield live


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


@contextlib.asynccontextmanager
async def opened(live: Service, count: int) -> AsyncIterator[list[Connection]]:
    """`count` raw connections to the service, all closed at the end."""
    host, port = live.base.removeprefix("http://").split(":")
    connections: list[Connection] = []
    try:
        for _ in range(count):
            connections.append(await asyncio.open_connection(host, int(port)))
        yield connections
    finally:
        for _, writer in connections:
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()


async def _exchange(
    writer: asyncio.StreamWriter, reader: asyncio.StreamReader, request: bytes
) -> tuple[int, dict[str, str], bytes]:
    writer.write(request)
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in lines[1:] if line)
    }
    body = await asyncio.wait_for(reader.readexactly(int(headers.get("content-length", 0))), 10)
    return status, headers, body


def _post(live: Service, body: object, extra: str = "") -> bytes:
    payload = json.dumps(body).encode()
    return (
        f"POST /v1/declines HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {live.key}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n{extra}\r\n"
    ).encode() + payload


async def test_a_500_says_it_closes_the_connection_and_logs_no_personal_text(
    sabotaged: Service,
) -> None:
    failing = decline_request(company=SECRET_COMPANY, candidate={"name": SECRET_NAME})
    for extra in ("", "Idempotency-Key: boom-1\r\n"):  # the raw driver's path, the engine's
        async with opened(sabotaged, 1) as [(reader, writer)]:
            status, headers, body = await _exchange(
                writer, reader, _post(sabotaged, failing, extra)
            )
            assert status == 500, body
            assert headers["content-type"] == "application/problem+json"
            assert SECRET_COMPANY not in body.decode()
            if headers.get("connection") != "close":
                # A connection kept open must still serve the next request.
                status, _, _ = await _exchange(
                    writer, reader, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                )
                assert status == 200
            else:
                assert await asyncio.wait_for(reader.read(), 10) == b""
    # The service is unharmed, and a good request on a fresh connection works.
    async with sabotaged.client() as http:
        assert (await http.post("/v1/declines", json=decline_request())).status_code == 201
        await http.get("/v1/declines", params={"q": "Zqxsearch", "company": "Zqxfilter"})
    log = sabotaged.server.log_text()
    for secret in (SECRET_COMPANY, SECRET_NAME, "zqxwv", "Zqxsearch", "zqxsearch", "Zqxfilter"):
        assert secret.lower() not in log.lower(), log[-3000:]
    assert "parameters:" not in log
    assert "Traceback" not in log
    assert "unhandled error" in log  # it was logged, by kind and place


async def test_a_failing_search_logs_no_search_text(sabotaged: Service) -> None:
    rename = "ALTER TABLE declines RENAME COLUMN {} TO {}"
    gone, back = rename.format("search_text", "gone"), rename.format("gone", "search_text")
    await asyncio.to_thread(_sabotage, sabotaged.url, gone, gone)
    try:
        async with sabotaged.client() as http:
            for params in ({"q": "Zqxsearch"}, {"q": "Zqxsearch", "company": "Zqxfilter"}):
                response = await http.get("/v1/declines", params=params)
                assert response.status_code in (500, 503), response.text
                assert response.headers["content-type"] == "application/problem+json"
    finally:
        await asyncio.to_thread(_sabotage, sabotaged.url, back, back)
    log = sabotaged.server.log_text()
    assert "zqxsearch" not in log.lower(), log[-3000:]
    assert "zqxfilter" not in log.lower()
    assert "parameters:" not in log


async def test_slow_headers_and_slow_bodies_are_cut_off(sabotaged: Service) -> None:
    began = time.monotonic()
    async with opened(sabotaged, 60) as connections:
        await _trickle(sabotaged, connections[:30], connections[30:], began)


async def _trickle(
    live: Service, slow_headers: list[Connection], slow_bodies: list[Connection], began: float
) -> None:
    for _, writer in slow_headers:
        writer.write(b"GET /v1/reasons HTTP/1.1\r\nHost: x\r\n")
    head = _post(live, decline_request()).split(b"\r\n\r\n")[0] + b"\r\n\r\n"
    for _, writer in slow_bodies:
        writer.write(head + b'{"stage"')
    everyone = slow_headers + slow_bodies
    # Each trickles on, never finishing: a deadline that restarted with every byte would
    # never come.
    for _ in range(3):
        await asyncio.sleep(0.3)
        for _, writer in everyone:
            if not writer.is_closing():
                with contextlib.suppress(OSError):
                    writer.write(b"X")
    statuses = []
    for reader, _ in everyone:
        try:
            data = await asyncio.wait_for(reader.read(), 15)  # EOF: the server closed it
        except ConnectionResetError:  # closed while our last bytes were on their way
            data = b""
        statuses.append(data.split(b" ", 2)[1] if data else b"closed")
    assert time.monotonic() - began < 8, "slow clients held their connections"
    assert set(statuses) <= {b"408", b"closed"}, statuses
    assert b"408" in statuses


async def test_bodies_without_a_key_are_refused_before_they_are_read(sabotaged: Service) -> None:
    for authorization in ("", "Authorization: Bearer not-a-key\r\n"):
        async with opened(sabotaged, 50) as connections:
            await _refused_unread(connections, authorization)


async def _refused_unread(connections: list[Connection], authorization: str) -> None:
    for _, writer in connections:
        writer.write(
            (
                "POST /v1/declines HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                f"{authorization}Content-Length: 60000\r\n\r\n"
            ).encode()
            + b"{" * 1000
        )
    for reader, _ in connections:
        # The answer comes with 59,000 bytes still unsent: nothing waited for them.
        data = await asyncio.wait_for(reader.read(), 5)
        assert data.startswith(b"HTTP/1.1 401"), data[:200]


@pytest.fixture
def capped(tmp_path: Path) -> Iterator[Service]:
    env = {"MAX_CONNECTIONS": "8", "HEADER_TIMEOUT_SECONDS": "20"}
    with databases.database("sqlite", tmp_path) as url, serving(url, tmp_path, **env) as live:
        yield live


async def test_connections_per_process_are_capped(capped: Service) -> None:
    live = capped
    async with opened(live, 12) as idle:
        for _, writer in idle:
            writer.write(b"GET /healthz HTTP/1.1\r\n")  # headers never finished
        await asyncio.sleep(0.3)
        async with live.client() as http:
            refused = await http.get("/healthz")
        assert refused.status_code == 503
    await asyncio.sleep(0.3)
    async with live.client() as http:
        assert (await http.get("/healthz")).status_code == 200
