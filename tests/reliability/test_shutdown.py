"""Graceful shutdown: on SIGTERM the server finishes every request it has accepted, then exits."""

import asyncio
import contextlib
import json
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest

from scripts.bench import bodies, databases
from tests.reliability.live import SOAK, Outcome, Service, stored_ids

pytestmark = pytest.mark.anyio

IN_FLIGHT = 256 if SOAK else 48
ESTABLISHED = "01"  # the TCP state in /proc/net/tcp


def unread_bytes(port: int) -> int | None:
    """Bytes that have reached the server's sockets on `port` and that it has not read yet, from
    the kernel's table; None while a client's bytes are still on their way (unacknowledged).

    A request the server has read is one it has accepted: uvicorn parses what it reads at once,
    and on SIGTERM it keeps every connection with a request open. Bytes still in a socket are a
    request it never saw, which it may close unanswered, as any HTTP server may on shutdown."""
    unread = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        remote_port = int(fields[2].rsplit(":", 1)[1], 16)
        sending, receiving = (int(queue, 16) for queue in fields[4].split(":"))
        if fields[3] != ESTABLISHED:
            continue
        if remote_port == port and sending:
            return None
        if local_port == port:
            unread += receiving
    return unread


async def post_once(live: Service, payload: str, sent: list[int]) -> Outcome:
    """One POST on its own connection, written whole; `sent` counts requests fully written.

    A raw client, because the test must know when each request has left it, which no HTTP
    client library says."""
    body = payload.encode()
    head = (
        f"POST /v1/declines HTTP/1.1\r\nHost: 127.0.0.1:{live.server.port}\r\n"
        f"Authorization: Bearer {live.key}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", live.server.port)
        writer.write(head.encode() + body)
        await writer.drain()
        sent.append(1)
        answer = await reader.read()
        writer.close()
    except OSError as error:
        return Outcome(None, error=f"{type(error).__name__}: {error}")
    if not answer:
        return Outcome(None, error="closed without an answer")
    status_line, _, rest = answer.partition(b"\r\n")
    status = int(status_line.split()[1])
    decline_id = json.loads(rest.partition(b"\r\n\r\n")[2]).get("id") if status == 201 else None
    return Outcome(status, decline_id)


@contextlib.asynccontextmanager
async def writes_held(url: str) -> AsyncIterator[None]:
    """Every insert into the declines waits while this is open (well within the service's
    database timeouts): requests the server has read stay in flight until it closes."""
    if databases.is_postgresql(url):
        connection = await asyncpg.connect(databases.driver_dsn(url))
        try:
            async with connection.transaction():
                await connection.execute("LOCK TABLE declines IN EXCLUSIVE MODE")
                yield
        finally:
            await connection.close()
    else:
        holder = sqlite3.connect(databases.sqlite_path(url), isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")  # the write lock; WAL readers carry on
            yield
            holder.execute("ROLLBACK")
        finally:
            holder.close()


async def test_sigterm_lets_in_flight_requests_complete(live: Service) -> None:
    # One request per connection, all sent at once, and no idle keep-alive connection to race
    # the shutdown. Writes are held until the signal has gone, so every request the server has
    # read is still in flight when it arrives, however fast the server or slow this process:
    # a server quicker than the test (once, 48 requests on SQLite) proves nothing.
    sent: list[int] = []
    payloads = bodies.decline_bodies(IN_FLIGHT, seed=IN_FLIGHT)
    async with writes_held(live.url):
        load = asyncio.gather(*(post_once(live, payload, sent) for payload in payloads))
        began = time.monotonic()
        while len(sent) < IN_FLIGHT or unread_bytes(live.server.port) != 0:
            unread = unread_bytes(live.server.port)
            assert time.monotonic() < began + 4, f"{len(sent)} sent, {unread} bytes unread"
            await asyncio.sleep(0.002)
        signalled = time.monotonic()
        live.server.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(0.2)  # the server has the signal before any write can finish
    outcomes = await load
    exit_code = await asyncio.to_thread(live.server.process.wait, 30)

    assert Counter(outcome.status for outcome in outcomes) == {201: IN_FLIGHT}, [
        outcome.error for outcome in outcomes if outcome.status != 201
    ][:5]
    assert any(outcome.finished > signalled for outcome in outcomes), (
        f"nothing was in flight: the server took {signalled - began:.2f}s to read every request"
    )
    # uvicorn exits by re-raising the signal once it has shut down cleanly
    assert exit_code in (0, -signal.SIGTERM)
    assert len(await asyncio.to_thread(stored_ids, live.url)) == IN_FLIGHT
