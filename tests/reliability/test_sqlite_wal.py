"""SQLite's write-ahead log stays bounded while writes never stop."""

import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.bench.databases import sqlite_path
from tests.reliability.live import Service, integrity_problems, post_declines, service

pytestmark = pytest.mark.anyio

TOTAL, CLIENTS = 2400, 16
LIMIT_MB = 8


def file_bytes(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


@pytest.fixture
def bounded(tmp_path: Path) -> Iterator[Service]:
    env = {"SQLITE_WAL_LIMIT_MB": str(LIMIT_MB), "SQLITE_CHECKPOINT_SECONDS": "0.25"}
    with service("sqlite", tmp_path, **env) as running:
        yield running


@pytest.mark.long(20)
async def test_the_wal_starts_over_while_writes_never_stop(bounded: Service) -> None:
    # Sixteen clients land a commit every few milliseconds, so some land during every
    # checkpoint pass: with PASSIVE passes alone the WAL never started over, and its file grew
    # by every page written, ~150 KB a POST (over 300 MB here). Bounded, it holds the limit and
    # what a quarter of a second writes.
    wal = Path(f"{sqlite_path(bounded.url)}-wal")
    sizes: list[int] = []
    writing = True

    async def sample() -> None:
        while writing:
            sizes.append(file_bytes(wal))
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    try:
        outcomes = await post_declines(bounded, TOTAL, CLIENTS)
    finally:
        writing = False
        await sampler
    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {201: TOTAL}, [o.error for o in outcomes if o.status != 201][:5]
    assert await asyncio.to_thread(integrity_problems, bounded.url) == []
    assert max(sizes) < 8 * LIMIT_MB * 1024 * 1024, f"the WAL reached {max(sizes):,} bytes"
