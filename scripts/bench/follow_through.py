"""The follow-through's figures: the outbox's cost on the write path, event-to-receiver latency
with one worker, and the due list at scale.

- outbox: two services on two databases, one with an endpoint subscribed to every event, the
  other with none, measured in alternating rounds like the write path. No worker runs during
  those rounds: the outbox row is written either way, and what is measured is what it costs
  the request (delivery is another process's work; the latency figure measures that).
- delivery: a receiver on loopback, a service and one `gracious worker`, on PostgreSQL;
  declines posted at a steady rate; each event's latency is its arrival at the receiver minus
  its `created_at`.
- due list: `GET /v1/follow-ups?status=due` on two databases, with the small and the large
  number of stored follow-ups (bulk-loaded like the log's declines), in alternating rounds.
"""

import asyncio
import contextlib
import json
import math
import os
import random
import sqlite3
import statistics
import subprocess
import textwrap
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.dialects.postgresql.base import PGDialect

from app import ids
from app.store import follow_ups
from scripts.bench import bodies, server
from scripts.bench.databases import SQLITE_TIME, driver_dsn, is_postgresql, sqlite_path
from scripts.bench.load import Call, LoadResult, LoadSpec
from scripts.bench.receiver import receiving
from scripts.bench.scenarios import BenchConfig, bench_database, median, request, run_load
from scripts.bench.seed import tenant_of_only_key

Progress = Callable[[str], None]
PRIVATE = {"WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true"}


@dataclass(frozen=True)
class Measured:
    database: str
    measure: str
    target: str
    value: float
    met: bool
    context: str


def measure_outbox(kind: str, config: BenchConfig, folder: Path, say: Progress) -> Measured:
    with ExitStack() as stack:
        sides: dict[str, tuple[server.Server, str]] = {}
        for side in ("subscribed", "none"):
            url, key = stack.enter_context(bench_database(kind, folder))
            env = server.service_env(url, **PRIVATE)
            app = stack.enter_context(
                server.running("app.main:app", env, folder / f"{kind}-outbox-{side}.log")
            )
            if side == "subscribed":
                endpoint = json.dumps({"url": "http://127.0.0.1:9/hooks", "events": ["*"]})
                status, text = request(f"{app.url}/v1/webhook-endpoints", key, endpoint)
                assert status == 201, text
            sides[side] = (app, key)
        results: dict[str, list[LoadResult]] = {"subscribed": [], "none": []}
        for number in range(config.rounds):
            order = ["subscribed", "none"] if number % 2 == 0 else ["none", "subscribed"]
            for side in order:
                app, key = sides[side]
                calls = _decline_calls(key)
                spec = LoadSpec(
                    host=server.HOST,
                    port=app.port,
                    calls=calls,
                    concurrency=config.concurrency,
                    warmup_seconds=config.warmup_seconds,
                    duration_seconds=config.duration_seconds,
                )
                result = run_load(spec, folder, expect="201")
                results[side].append(result)
                say(
                    f"  {kind} outbox round {number + 1} {side}: {result.throughput:.0f}/s "
                    f"{result.statuses}"
                )
    with_one = median([r.throughput for r in results["subscribed"]])
    without = median([r.throughput for r in results["none"]])
    ratio = with_one / without if without else math.nan
    rounds = ", ".join(
        f"{a.throughput / b.throughput:.2f}"
        for a, b in zip(results["subscribed"], results["none"], strict=True)
    )
    return Measured(
        kind,
        f"write with one subscribed endpoint ÷ without, at {config.concurrency} connections",
        "≥ 0.90",
        ratio,
        ratio >= 0.90,
        f"{with_one:.0f}/s vs {without:.0f}/s (rounds {rounds})",
    )


def _decline_calls(key: str) -> list[Call]:
    """The write path's 256 realistic all-channel creates, as both follow-through parts send."""
    return [
        Call("POST", "/v1/declines", body, {"Authorization": f"Bearer {key}"})
        for body in bodies.decline_bodies(256)
    ]


def _cpu_seconds(pid: int) -> float:
    """User and system CPU the process has used (Linux): what a delivery costs the worker,
    whatever else the machine's cores were doing at the time."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_delivery(kind: str, config: BenchConfig, folder: Path, say: Progress) -> Measured:
    """Declines are posted on a schedule by the load generator in its own process (a Python
    client in this one took the core the receiver needed, and could not keep 200 a second);
    this process only receives, so an arrival is stamped when it arrives."""
    rate = 200
    seconds = max(config.duration_seconds, 5.0)
    total = int(rate * seconds)
    cpu: list[float] = []

    async def run(app: server.Server, key: str, worker: int) -> tuple[list[float], LoadResult]:
        async with receiving() as receiver:
            endpoint = json.dumps({"url": receiver.url, "events": ["decline.created"]})
            status, text = await asyncio.to_thread(
                request, f"{app.url}/v1/webhook-endpoints", key, endpoint
            )
            assert status == 201, text
            await asyncio.sleep(2)  # the worker's start-up is not part of the figure
            cpu_before = _cpu_seconds(worker)
            calls = _decline_calls(key)
            spec = LoadSpec(
                host=server.HOST,
                port=app.port,
                calls=calls,
                concurrency=32,
                total_requests=total,
                rate=rate,
            )
            posted = await asyncio.to_thread(run_load, spec, folder, expect="201")
            created = posted.statuses.get("201", 0)
            with contextlib.suppress(TimeoutError):
                await receiver.wait_until(lambda: len(receiver.received) >= created, 60)
            cpu.append(_cpu_seconds(worker) - cpu_before)
            latencies = []
            for delivery in receiver.received:
                made = datetime.fromisoformat(delivery.event["created_at"]).timestamp()
                latencies.append(delivery.arrived_at - made)
            return latencies, posted

    with ExitStack() as stack:
        url, key = stack.enter_context(bench_database(kind, folder))
        env = server.service_env(url, **PRIVATE)
        app = stack.enter_context(
            server.running("app.main:app", env, folder / f"{kind}-delivery.log")
        )
        with (folder / f"{kind}-worker.log").open("ab") as log:
            worker = subprocess.Popen(
                [str(server.BIN / "gracious"), "worker"],
                cwd=server.ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            latencies, posted = asyncio.run(run(app, key, worker.pid))
        finally:
            worker.terminate()
            worker.wait(timeout=10)
    created = posted.statuses.get("201", 0)
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else math.inf
    p50 = statistics.median(latencies) if latencies else math.inf
    per_delivery = cpu[0] * 1000 / len(latencies) if latencies else math.inf
    say(
        f"  {kind} delivery: {len(latencies)} of {created} arrived, p50 {p50:.3f} s "
        f"p99 {p99:.3f} s; posted {posted.requests} in {posted.seconds:.1f} s "
        f"(at most {posted.late_ms:.0f} ms behind schedule) {posted.statuses}; "
        f"worker CPU {per_delivery:.2f} ms a delivery"
    )
    return Measured(
        kind,
        f"event to receiver, one worker, {rate} declines a second, p99 seconds",
        "≤ 1",
        p99,
        p99 <= 1.0 and len(latencies) >= created == total,
        f"{created} of {total} declines stored over {posted.seconds:.1f} s "
        f"(posting at most {posted.late_ms:.0f} ms behind schedule), {len(latencies)} "
        f"delivered; p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms; the worker used "
        f"{per_delivery:.2f} ms of CPU a delivery",
    )


STATUSES = ["sent"] * 4 + ["skipped"] + ["scheduled"] * 5


def _follow_up_rows(
    count: int, tenant_id: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Declines (small documents: the list never reads them) and `count` follow-ups, three a
    decline, due over the past and the coming year; sent and skipped mostly in the past."""
    rng = random.Random(count)
    now = datetime.now(UTC)
    declines, rows = [], []
    for number in range(math.ceil(count / 3)):
        moment = now - timedelta(days=rng.uniform(0, 365))
        decline_id = ids.new_id(moment)
        declines.append(
            {
                "id": decline_id,
                "tenant_id": tenant_id,
                "created_at": moment,
                "stage": "offer",
                "reason": "other",
                "company": "Acme",
                "company_key": "acme",
                "search_text": "acme",
                "document": "{}",
            }
        )
        for position in range(min(3, count - number * 3)):
            due_at = moment + timedelta(days=(2, 90, 270)[position])
            status = rng.choice(STATUSES) if due_at < now else "scheduled"
            rows.append(
                {
                    "id": ids.new_id(moment, "fup_"),
                    "tenant_id": tenant_id,
                    "decline_id": decline_id,
                    "position": position,
                    "kind": "check_in",
                    "send_after_days": (2, 90, 270)[position],
                    "subject": "Checking in",
                    "text": "Hello again.",
                    "due_at": due_at,
                    "status": status,
                    "schedule": 1,
                    "due_pending": False,
                    "updated_at": moment,
                }
            )
    return declines, rows


async def _seed_postgresql(url: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    connection = await asyncpg.connect(driver_dsn(url))
    try:
        for table, rows in tables.items():
            columns = list(rows[0])
            for start in range(0, len(rows), 50_000):
                await connection.copy_records_to_table(
                    table,
                    records=[
                        tuple(row[c] for c in columns) for row in rows[start : start + 50_000]
                    ],
                    columns=columns,
                )
            await connection.execute(f"ANALYZE {table}")
    finally:
        await connection.close()


def _seed_sqlite(path: str, tables: dict[str, list[dict[str, Any]]]) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("PRAGMA synchronous=OFF")
        for table, rows in tables.items():
            columns = list(rows[0])
            statement = (
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(':' + c for c in columns)})"
            )
            connection.execute("BEGIN")
            connection.executemany(
                statement,
                (
                    {
                        k: v.astimezone(UTC).strftime(SQLITE_TIME) if isinstance(v, datetime) else v
                        for k, v in row.items()
                    }
                    for row in rows
                ),
            )
            connection.execute("COMMIT")
        connection.execute("ANALYZE")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        connection.close()


async def _explain_due(url: str, tenant_id: str) -> str:
    """PostgreSQL's plan, run, for the page the service reads (its own statement)."""
    query = follow_ups.Query(tenant_id=tenant_id, now=datetime.now(UTC), status="due")
    sql = follow_ups.page_statement(query).compile(
        dialect=PGDialect(),  # type: ignore[no-untyped-call]
        compile_kwargs={"literal_binds": True},
    )
    connection = await asyncpg.connect(driver_dsn(url))
    try:
        rows = await connection.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows)


def measure_due_list(kind: str, config: BenchConfig, folder: Path, say: Progress) -> Measured:
    with ExitStack() as stack:
        servers: dict[str, tuple[server.Server, str]] = {}
        for size, count in (("small", config.small_rows), ("large", config.large_rows)):
            url, key = stack.enter_context(bench_database(kind, folder))
            say(f"  {kind}: seeding {count:,} follow-ups")
            tenant_id = tenant_of_only_key(url)
            declines, rows = _follow_up_rows(count, tenant_id)
            tables = {"declines": declines, "follow_ups": rows}
            if is_postgresql(url):
                asyncio.run(_seed_postgresql(url, tables))
                plan = asyncio.run(_explain_due(url, tenant_id))
                say(f"  {kind} due list plan at {count:,}:\n" + textwrap.indent(plan, "    "))
            else:
                _seed_sqlite(sqlite_path(url), tables)
            app = stack.enter_context(
                server.running(
                    "app.main:app", server.service_env(url), folder / f"{kind}-due-{size}.log"
                )
            )
            servers[size] = (app, key)
        results: dict[str, list[LoadResult]] = {"small": [], "large": []}
        for number in range(config.rounds):
            for size in ["small", "large"] if number % 2 == 0 else ["large", "small"]:
                app, key = servers[size]
                call = Call(
                    "GET", "/v1/follow-ups?status=due", None, {"Authorization": f"Bearer {key}"}
                )
                spec = LoadSpec(
                    host=server.HOST,
                    port=app.port,
                    calls=[call],
                    concurrency=config.log_concurrency,
                    warmup_seconds=min(config.warmup_seconds, 2.0),
                    duration_seconds=config.log_duration_seconds,
                )
                result = run_load(spec, folder, expect="200")
                results[size].append(result)
                say(
                    f"  {kind} due list {size} round {number + 1}: {result.throughput:.0f}/s "
                    f"p50 {result.p50_ms:.1f} ms {result.statuses}"
                )
    small = median([r.throughput for r in results["small"]])
    large = median([r.throughput for r in results["large"]])
    ratio = small / large if large else math.nan
    p50_small = median([r.p50_ms for r in results["small"]])
    p50_large = median([r.p50_ms for r in results["large"]])
    return Measured(
        kind,
        f"GET /v1/follow-ups?status=due, {config.large_rows:,} ÷ {config.small_rows:,} stored",
        "≤ 1.5",
        ratio,
        ratio <= 1.5,
        f"p50 {p50_small:.1f} → {p50_large:.1f} ms",
    )


def table(measured: list[Measured]) -> str:
    lines = ["| measure | target | database | result |", "|---|---|---|---|"]
    for item in measured:
        mark = "✓" if item.met else "✗"
        lines.append(
            f"| {item.measure} | {item.target} | {item.database} | {item.value:.2f} {mark} |"
        )
    lines += ["", "Behind them:", ""]
    lines += [f"- {item.database}, {item.measure}: {item.context}" for item in measured]
    return "\n".join(lines)
