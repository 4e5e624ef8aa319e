"""Graceful shutdown: on SIGTERM the server finishes every request it has accepted, then exits."""

import asyncio
import signal
import time
from collections import Counter

import pytest

from tests.reliability.live import SOAK, Service, post_declines, stored_ids

pytestmark = pytest.mark.anyio

IN_FLIGHT = 256 if SOAK else 48


async def test_sigterm_lets_in_flight_requests_complete(live: Service) -> None:
    # One request per connection, all sent at once: the server is busy with every one of them
    # when the signal arrives, and no idle keep-alive connection can race the shutdown.
    load = asyncio.create_task(post_declines(live, IN_FLIGHT, IN_FLIGHT, keep_alive=False))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if await asyncio.to_thread(stored_ids, live.url):
            break  # requests are being served, most still queued behind the first
    signalled = time.monotonic()
    live.server.process.send_signal(signal.SIGTERM)
    outcomes = await load
    exit_code = await asyncio.to_thread(live.server.process.wait, 30)

    assert Counter(outcome.status for outcome in outcomes) == {201: IN_FLIGHT}, [
        outcome.error for outcome in outcomes if outcome.status != 201
    ][:5]
    assert any(outcome.finished > signalled for outcome in outcomes), "nothing was in flight"
    # uvicorn exits by re-raising the signal once it has shut down cleanly
    assert exit_code in (0, -signal.SIGTERM)
    assert len(await asyncio.to_thread(stored_ids, live.url)) == IN_FLIGHT
