"""The platform endpoints at scale: batches and closeouts against single creates, the export of
a large log in constant memory, and stats on a large log against a small one.

As everywhere in the benchmark, both sides of a ratio run in the same run, in alternating
rounds, so the noise of a shared machine hits both alike.
"""

import asyncio
import http.client
import threading
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import get_args

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import text

from app.config import Settings
from app.db import create_engine
from app.store.export import GroupBy, counts_statement
from scripts.bench import bodies, seed, server
from scripts.bench.databases import driver_dsn, is_postgresql
from scripts.bench.load import Call, LoadResult, LoadSpec
from scripts.bench.scenarios import (
    BenchConfig,
    Progress,
    ScaleFigures,
    bench_database,
    request,
    run_load,
)

STATS_GROUPS: tuple[str, ...] = get_args(GroupBy)
BATCH_SIZE = 100
CLOSEOUT_SIZE = 20


def _alternate(
    number: int, sides: list[tuple[str, LoadSpec, list[LoadResult]]]
) -> list[tuple[str, LoadSpec, list[LoadResult]]]:
    return sides if number % 2 == 0 else sides[::-1]


def measure_bulk(
    kind: str, config: BenchConfig, folder: Path, figures: ScaleFigures, say: Progress
) -> None:
    """Batches of 100 and closeouts of 20 against single POSTs, on one server."""
    with ExitStack() as stack:
        url, key = stack.enter_context(bench_database(kind, folder))
        app = stack.enter_context(
            server.running("app.main:app", server.service_env(url), folder / f"{kind}-bulk.log")
        )
        auth = {"Authorization": f"Bearer {key}"}
        batches = bodies.batch_bodies(4, BATCH_SIZE)
        closeouts = bodies.closeout_bodies(8, CLOSEOUT_SIZE)
        for path, body in (("/v1/declines/batch", batches[0]), ("/v1/closeouts", closeouts[0])):
            status, answer = request(f"{app.url}{path}", key, body)
            if status != 201:
                raise RuntimeError(f"POST {path} answered {status}: {answer[:500]}")
        singles = [Call("POST", "/v1/declines", body, auth) for body in bodies.decline_bodies(256)]

        def spec(calls: list[Call], concurrency: int) -> LoadSpec:
            return LoadSpec(
                host=server.HOST,
                port=app.port,
                calls=calls,
                concurrency=concurrency,
                warmup_seconds=config.warmup_seconds,
                duration_seconds=config.duration_seconds,
                timeout_seconds=120,
            )

        # Throughput with the server saturated: enough connections that it never waits.
        batch_sides = [
            ("single", spec(singles, 16), figures.batch_single),
            (
                "batch",
                spec([Call("POST", "/v1/declines/batch", b, auth) for b in batches], 4),
                figures.batch_batch,
            ),
        ]
        # Latency of one caller at a time: what a candidate waits for.
        closeout_sides = [
            ("single", spec(singles, 1), figures.closeout_single),
            (
                "closeout",
                spec([Call("POST", "/v1/closeouts", b, auth) for b in closeouts], 1),
                figures.closeout_closeout,
            ),
        ]
        for sides, what in ((batch_sides, "batch"), (closeout_sides, "closeout")):
            for number in range(config.rounds):
                for name, load, results in _alternate(number, sides):
                    result = run_load(load, folder, expect="201")
                    results.append(result)
                    say(
                        f"  {kind} {what} round {number + 1} {name}: {result.throughput:.1f}/s "
                        f"p50 {result.p50_ms:.0f} ms p99 {result.p99_ms:.0f} ms {result.statuses}"
                    )


def _stream_export(app: server.Server, key: str, figures: ScaleFigures) -> None:
    """Read the whole CSV export as a client would, sampling the server's RSS meanwhile."""
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            figures.rss_peak = max(figures.rss_peak, app.rss_bytes())
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    connection = http.client.HTTPConnection(server.HOST, app.port, timeout=600)
    started = time.perf_counter()
    try:
        connection.request("GET", "/v1/declines/export", headers={"Authorization": f"Bearer {key}"})
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"export answered {response.status}: {response.read(500)!r}")
        lines = 0
        while chunk := response.read(1 << 16):
            figures.export_bytes += len(chunk)
            # "\n", not "\r\n": a line end may fall across two reads (no cell holds one).
            lines += chunk.count(b"\n")
    finally:
        figures.export_seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        connection.close()
    figures.export_rows = lines - 1  # the header


def _vacuum(url: str) -> None:
    """What autovacuum does after a bulk load on PostgreSQL (inserts trigger it since 13): it
    marks the pages all-visible, which is what lets a count read the index alone."""
    if not is_postgresql(url):
        return

    async def vacuum() -> None:
        connection = await asyncpg.connect(driver_dsn(url))
        try:
            await connection.execute("VACUUM (ANALYZE) declines")
        finally:
            await connection.close()

    asyncio.run(vacuum())


def _plans(url: str, tenant_id: str) -> dict[str, str]:
    """The database's plan for each stats query (EXPLAIN ANALYZE on PostgreSQL)."""

    async def explain() -> dict[str, str]:
        engine = create_engine(Settings(database_url=url))
        plans = {}
        try:
            async with engine.connect() as connection:
                for group in STATS_GROUPS:
                    statement = counts_statement(
                        engine.dialect.name,
                        tenant_id=tenant_id,
                        group_by=group,  # type: ignore[arg-type]
                        created_after=datetime.now(UTC) - timedelta(days=400),
                    )
                    sql = str(
                        statement.compile(
                            dialect=engine.dialect, compile_kwargs={"literal_binds": True}
                        )
                    )
                    prefix = (
                        "EXPLAIN ANALYZE "
                        if engine.dialect.name == "postgresql"
                        else "EXPLAIN QUERY PLAN "
                    )
                    rows = (await connection.execute(text(prefix + sql))).all()
                    plans[group] = " / ".join(str(row[-1]).strip() for row in rows)
        finally:
            await engine.dispose()
        return plans

    return asyncio.run(explain())


def measure_export_and_stats(
    kind: str, config: BenchConfig, folder: Path, figures: ScaleFigures, say: Progress
) -> None:
    """The export of the large log, its memory, and stats on the large log against the small."""
    with ExitStack() as stack:
        servers = {}
        for size, count in (("small", config.small_rows), ("large", config.large_rows)):
            url, key = stack.enter_context(bench_database(kind, folder))
            tenant_id = seed.tenant_of_only_key(url)
            app = stack.enter_context(
                server.running(
                    "app.main:app", server.service_env(url), folder / f"{kind}-scale-{size}.log"
                )
            )
            _, document = request(f"{app.url}/v1/declines", key, bodies.decline_bodies(1)[0])
            say(f"  {kind}: seeding {count:,} declines")
            seed.seed(url, count, tenant_id=tenant_id, document=document)
            _vacuum(url)
            servers[size] = (app, key, url, tenant_id)
        app, key, url, tenant_id = servers["large"]
        # Idle: the server as it is once every endpoint has been through its first requests.
        recent = (datetime.now(UTC) - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")
        for _ in range(20):
            request(f"{app.url}/v1/declines?limit=20", key)
            request(f"{app.url}/v1/declines/export?created_after={recent}", key)
            request(f"{app.url}/v1/stats?group_by=reason", key)
        figures.rss_idle = app.rss_bytes()
        say(
            f"  {kind}: exporting {config.large_rows:,} declines, "
            f"idle RSS {figures.rss_idle / 2**20:.1f} MiB"
        )
        _stream_export(app, key, figures)
        say(
            f"  {kind}: exported {figures.export_rows:,} rows in {figures.export_seconds:.1f} s, "
            f"peak RSS {figures.rss_peak / 2**20:.1f} MiB"
        )
        figures.stats_plans = _plans(url, tenant_id)
        for group in STATS_GROUPS:
            for number in range(config.rounds):
                for size in ["small", "large"] if number % 2 == 0 else ["large", "small"]:
                    app, key, _, _ = servers[size]
                    spec = LoadSpec(
                        host=server.HOST,
                        port=app.port,
                        calls=[
                            Call(
                                "GET",
                                f"/v1/stats?group_by={group}",
                                None,
                                {"Authorization": f"Bearer {key}"},
                            )
                        ],
                        concurrency=2,
                        warmup_seconds=min(config.warmup_seconds, 2.0),
                        duration_seconds=config.log_duration_seconds,
                        timeout_seconds=120,
                    )
                    result = run_load(spec, folder, expect="200")
                    store = figures.stats_small if size == "small" else figures.stats_large
                    store.setdefault(group, []).append(result)
                    say(
                        f"  {kind} stats {group} {size} round {number + 1}: "
                        f"{result.throughput:.1f}/s p50 {result.p50_ms:.1f} ms {result.statuses}"
                    )
