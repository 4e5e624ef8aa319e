"""A crash mid-load (kill -9) loses no decline that got its 201, and leaves the database sound."""

import asyncio
import os
import signal

import pytest

from tests.reliability.live import (
    SOAK,
    Outcome,
    Service,
    integrity_problems,
    post_declines,
    stored_ids,
    unreadable,
)

pytestmark = pytest.mark.anyio

TOTAL, CLIENTS = (10_000, 64) if SOAK else (300, 16)
KILL_AFTER = TOTAL // 4


async def test_kill_9_mid_load_keeps_every_acknowledged_decline(live: Service) -> None:
    load = asyncio.create_task(post_declines(live, TOTAL, CLIENTS))
    stored_before_kill = 0
    for _ in range(1200):  # at most 120 s
        await asyncio.sleep(0.1)
        stored_before_kill = len(await asyncio.to_thread(stored_ids, live.url))
        if stored_before_kill >= KILL_AFTER or load.done():
            break
    assert not load.done(), "the load finished before the crash; raise TOTAL"
    os.kill(live.server.pid, signal.SIGKILL)
    outcomes: list[Outcome] = await load

    acknowledged = [o.decline_id for o in outcomes if o.status == 201 and o.decline_id]
    assert len(acknowledged) >= KILL_AFTER // 2
    assert any(o.status is None for o in outcomes), "no request was cut by the crash"
    assert not [o for o in outcomes if o.status is not None and o.status != 201]

    live.restart()
    stored = set(await asyncio.to_thread(stored_ids, live.url))
    assert set(acknowledged) <= stored
    # Some requests may have been stored just before the kill, without their 201 getting out.
    assert len(stored) <= len(outcomes)
    assert await unreadable(live, acknowledged) == []
    assert await asyncio.to_thread(integrity_problems, live.url) == []
