"""Bulk-load stored declines straight into the table: COPY on PostgreSQL, executemany on SQLite.

Rows look like the service's own: ULID ids spread over the past year (so the newest page of a
large log is made of different rows than a small one's), a real composed document with its id
swapped in, and one company in ten being the one the log benchmark filters on.
"""

import asyncio
import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg  # type: ignore[import-untyped]

from app import ids
from scripts.bench.bodies import STAGES, company_names
from scripts.bench.databases import SQLITE_TIME, driver_dsn, is_postgresql, sqlite_path

BATCH = 20_000
REASONS = ["accepted_other_offer", "role_fit", "career_direction", "compensation", "other"]


def rows(
    count: int, *, tenant_id: str, document: str, seed: int = 7, end: datetime | None = None
) -> Iterator[list[dict[str, Any]]]:
    """`count` rows in batches, ordered by id (as a live service appends them)."""
    rng = random.Random(seed)
    end = end or datetime.now(UTC) - timedelta(minutes=5)
    span_ms = int(timedelta(days=365).total_seconds() * 1000)
    offsets = sorted(rng.randrange(span_ms) for _ in range(count))
    companies = company_names(500)
    template_id = document.split('"id":"', 1)[1].split('"', 1)[0]
    batch: list[dict[str, Any]] = []
    for offset in offsets:
        moment = end - timedelta(milliseconds=span_ms - offset)
        decline_id = ids.new_id(moment)
        company = companies[0] if rng.random() < 0.1 else rng.choice(companies[1:])
        batch.append(
            {
                "id": decline_id,
                "tenant_id": tenant_id,
                "created_at": ids.created_at(decline_id),
                "stage": rng.choice(STAGES),
                "reason": rng.choice(REASONS),
                "company": company,
                "company_key": company.casefold(),
                "search_text": f"senior data engineer\n{company.casefold()}\nana ruiz",
                "document": document.replace(template_id, decline_id),
                "closeout_id": None,
            }
        )
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def _seed_postgresql(url: str, batches: Iterator[list[dict[str, Any]]]) -> None:
    connection = await asyncpg.connect(driver_dsn(url))
    try:
        records = await connection.fetch(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'declines'"
        )
        columns = [record["column_name"] for record in records]
        for batch in batches:
            await connection.copy_records_to_table(
                "declines",
                records=[tuple(row[column] for column in columns) for row in batch],
                columns=columns,
            )
        # What autovacuum would do soon after a load this size; the planner needs it.
        await connection.execute("ANALYZE declines")
    finally:
        await connection.close()


def _seed_sqlite(path: str, batches: Iterator[list[dict[str, Any]]]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-1000000")
        columns = [row[1] for row in connection.execute("PRAGMA table_info(declines)")]
        statement = (
            f"INSERT INTO declines ({', '.join(columns)}) "
            f"VALUES ({', '.join(':' + column for column in columns)})"
        )
        for batch in batches:
            connection.execute("BEGIN")
            connection.executemany(
                statement,
                ({**row, "created_at": row["created_at"].strftime(SQLITE_TIME)} for row in batch),
            )
            connection.execute("COMMIT")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


def seed(url: str, count: int, *, tenant_id: str, document: str, seed: int = 7) -> None:
    batches = rows(count, tenant_id=tenant_id, document=document, seed=seed)
    if is_postgresql(url):
        asyncio.run(_seed_postgresql(url, batches))
    else:
        _seed_sqlite(sqlite_path(url), batches)


def tenant_of_only_key(url: str) -> str:
    """The tenant of the one API key in a fresh benchmark database."""
    if is_postgresql(url):

        async def fetch() -> str:
            connection = await asyncpg.connect(driver_dsn(url))
            try:
                value: str = await connection.fetchval("SELECT tenant_id FROM api_keys LIMIT 1")
                return value
            finally:
                await connection.close()

        return asyncio.run(fetch())
    connection = sqlite3.connect(sqlite_path(url))
    try:
        row = connection.execute("SELECT tenant_id FROM api_keys LIMIT 1").fetchone()
        return str(row[0])
    finally:
        connection.close()
