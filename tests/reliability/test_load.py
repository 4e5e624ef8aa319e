"""Nothing is lost under load: every 201 is a stored, readable decline, and there is no 5xx."""

import asyncio
from collections import Counter

import pytest

from tests.reliability.live import SOAK, Service, post_declines, stored_ids, unreadable

pytestmark = pytest.mark.anyio

TOTAL, CLIENTS = (10_000, 64) if SOAK else (500, 16)


async def test_concurrent_posts_are_all_stored_and_readable(live: Service) -> None:
    outcomes = await post_declines(live, TOTAL, CLIENTS)

    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {201: TOTAL}, [o.error for o in outcomes if o.status != 201][:5]
    created = [outcome.decline_id for outcome in outcomes if outcome.decline_id]
    assert len(set(created)) == TOTAL
    assert sorted(await asyncio.to_thread(stored_ids, live.url)) == sorted(created)
    assert await unreadable(live, created) == []
    assert live.server.alive()
