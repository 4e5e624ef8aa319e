"""The measurements: write path against its ceiling, the log at scale, and memory over time.

Whatever is compared runs in the same process tree at the same time, in alternating rounds, so
the noise of a shared machine hits both sides of every ratio alike.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from scripts.bench import bodies, databases, seed, server
from scripts.bench.load import Call, LoadResult, LoadSpec

Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    databases: tuple[str, ...] = ("postgresql", "sqlite")
    parts: tuple[str, ...] = (
        "write",
        "log",
        "memory",
        "bulk",
        "export",
        "outbox",
        "delivery",
        "due",
    )
    concurrency: int = 64
    # Five, not three: one 15-second round of either side can run a fifth slower than the next
    # on this shared machine, and a median of five shrugs off two such rounds.
    rounds: int = 5
    warmup_seconds: float = 3.0
    duration_seconds: float = 15.0
    small_rows: int = 1_000
    large_rows: int = 1_000_000
    log_concurrency: int = 8
    log_duration_seconds: float = 8.0
    memory_baseline_requests: int = 1_000
    memory_requests: int = 100_000
    memory_concurrency: int = 16
    # What the ceiling stores after the request: the rest of a real document (composed) or
    # `x`s as long (padding), see scripts/bench/ceiling.py.
    ceiling_document: str = "composed"
    workdir: Path | None = None


@dataclass
class ScaleFigures:
    batch_single: list[LoadResult] = field(default_factory=list)
    batch_batch: list[LoadResult] = field(default_factory=list)
    closeout_single: list[LoadResult] = field(default_factory=list)
    closeout_closeout: list[LoadResult] = field(default_factory=list)
    export_rows: int = 0
    export_seconds: float = 0.0
    export_bytes: int = 0
    rss_idle: int = 0
    rss_peak: int = 0
    stats_small: dict[str, list[LoadResult]] = field(default_factory=dict)
    stats_large: dict[str, list[LoadResult]] = field(default_factory=dict)
    stats_plans: dict[str, str] = field(default_factory=dict)


@dataclass
class Figures:
    """Everything measured on one database; ratios are computed by the report."""

    database: str
    write_app: list[LoadResult] = field(default_factory=list)
    write_ceiling: list[LoadResult] = field(default_factory=list)
    document_bytes: int = 0
    ceiling_document: str = ""
    log_small: dict[str, list[LoadResult]] = field(default_factory=dict)
    log_large: dict[str, list[LoadResult]] = field(default_factory=dict)
    rows_small: int = 0
    rows_large: int = 0
    rss_baseline: int = 0
    rss_final: int = 0
    memory_requests: tuple[int, int] = (0, 0)
    memory_statuses: dict[str, int] = field(default_factory=dict)
    scale: ScaleFigures = field(default_factory=ScaleFigures)


def run_load(spec: LoadSpec, folder: Path, *, expect: str | None) -> LoadResult:
    """Drive a server from a separate process, so client and server never share a core's GIL.

    `expect` is the one status every answer must have (None: a mix is the point, as in the
    memory run). A side that fails its requests is fast at failing, so its rate means nothing:
    any other answer stops the bench here, whatever the scenario."""
    spec_file = Path(tempfile.mkstemp(suffix=".json", dir=folder)[1])
    spec_file.write_text(spec.to_json())
    # Generous: a run by count is allowed 100 ms a request (this service does 50 to 500 a second).
    timeout = 600 + (spec.warmup_seconds + (spec.duration_seconds or 0)) * 3
    timeout += (spec.total_requests or 0) * 0.1
    completed = subprocess.run(
        [sys.executable, "-m", "scripts.bench.load", str(spec_file)],
        cwd=server.ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=timeout,
    )
    result = LoadResult.from_json(completed.stdout)
    if expect is not None and set(result.statuses) != {expect}:
        raise RuntimeError(
            f"the server on port {spec.port} answered {result.statuses}, not only {expect}: "
            f"see its log in {folder}"
        )
    return result


def request(url: str, key: str, body: str | None = None) -> tuple[int, str]:
    headers = {"Authorization": f"Bearer {key}"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=body.encode() if body else None, headers=headers)
    with urllib.request.urlopen(request, timeout=60) as response:
        status: int = response.status
        return status, response.read().decode()


@contextmanager
def bench_database(kind: str, folder: Path) -> Iterator[tuple[str, str]]:
    """A fresh database with one API key: (url, key)."""
    with databases.database(kind, folder) as url:
        yield url, server.create_key(url, "bench")


def measure_write(
    kind: str, config: BenchConfig, folder: Path, figures: Figures, say: Progress
) -> None:
    with ExitStack() as stack:
        url, key = stack.enter_context(bench_database(kind, folder))
        tenant_id = seed.tenant_of_only_key(url)
        env = server.service_env(url)
        app = stack.enter_context(server.running("app.main:app", env, folder / f"{kind}-app.log"))
        sample = bodies.sample_body()
        status, document = request(f"{app.url}/v1/declines", key, sample)
        if status != 201:
            raise RuntimeError(f"POST /v1/declines answered {status}: {document[:500]}")
        figures.document_bytes = len(document.encode())
        figures.ceiling_document = config.ceiling_document
        ceiling_env = server.service_env(
            url,
            CEILING_DOCUMENT=config.ceiling_document,
            CEILING_DOCUMENT_BYTES=str(figures.document_bytes),
            CEILING_TENANT_ID=tenant_id,
        )
        ceiling = stack.enter_context(
            server.running(
                "scripts.bench.ceiling:create_ceiling",
                ceiling_env,
                folder / f"{kind}-ceiling.log",
                extra_args=("--factory",),
            )
        )
        calls = [
            Call("POST", "/v1/declines", body, {"Authorization": f"Bearer {key}"})
            for body in bodies.decline_bodies(256)
        ]
        for number in range(config.rounds):
            # Alternate which side goes first, so a drift in machine load favours neither.
            order = [(app, figures.write_app), (ceiling, figures.write_ceiling)]
            for target, results in order if number % 2 == 0 else order[::-1]:
                spec = LoadSpec(
                    host=server.HOST,
                    port=target.port,
                    calls=calls,
                    concurrency=config.concurrency,
                    warmup_seconds=config.warmup_seconds,
                    duration_seconds=config.duration_seconds,
                )
                result = run_load(spec, folder, expect="201")
                name = "app" if target is app else "ceiling"
                results.append(result)
                say(
                    f"  {kind} write round {number + 1} {name}: {result.throughput:.0f}/s "
                    f"p50 {result.p50_ms:.0f} ms p99 {result.p99_ms:.0f} ms {result.statuses}"
                )


def _page_cursor(base: str, key: str, query: str, pages: int) -> str:
    """The cursor that opens page `pages` of the log (walking there as a client would)."""
    cursor = ""
    for _ in range(pages - 1):
        url = f"{base}/v1/declines?{query}" + (f"&cursor={quote(cursor)}" if cursor else "")
        _, text = request(url, key)
        next_cursor = json.loads(text)["next_cursor"]
        if next_cursor is None:
            raise RuntimeError(f"the log ends before page {pages}")
        cursor = next_cursor
    return cursor


LOG_QUERIES = {
    "newest": "limit=20",
    "company": f"limit=20&company={quote(bodies.FILTER_COMPANY)}",
    "deep": "limit=20",  # + the cursor of page 50
}
DEEP_PAGE = 50


def measure_log(
    kind: str, config: BenchConfig, folder: Path, figures: Figures, say: Progress
) -> None:
    with ExitStack() as stack:
        servers = {}
        for size, count in (("small", config.small_rows), ("large", config.large_rows)):
            url, key = stack.enter_context(bench_database(kind, folder))
            tenant_id = seed.tenant_of_only_key(url)
            app = stack.enter_context(
                server.running(
                    "app.main:app", server.service_env(url), folder / f"{kind}-log-{size}.log"
                )
            )
            _, document = request(f"{app.url}/v1/declines", key, bodies.decline_bodies(1)[0])
            say(f"  {kind}: seeding {count:,} declines")
            seed.seed(url, count, tenant_id=tenant_id, document=document)
            servers[size] = (app, key)
        figures.rows_small, figures.rows_large = config.small_rows, config.large_rows
        paths: dict[str, dict[str, str]] = {"small": {}, "large": {}}
        for size, (app, key) in servers.items():
            for name, query in LOG_QUERIES.items():
                path = f"/v1/declines?{query}"
                if name == "deep":
                    path += f"&cursor={quote(_page_cursor(app.url, key, query, DEEP_PAGE))}"
                paths[size][name] = path
        for name in LOG_QUERIES:
            for number in range(config.rounds):
                order = ["small", "large"] if number % 2 == 0 else ["large", "small"]
                for size in order:
                    app, key = servers[size]
                    spec = LoadSpec(
                        host=server.HOST,
                        port=app.port,
                        calls=[
                            Call("GET", paths[size][name], None, {"Authorization": f"Bearer {key}"})
                        ],
                        concurrency=config.log_concurrency,
                        warmup_seconds=min(config.warmup_seconds, 2.0),
                        duration_seconds=config.log_duration_seconds,
                    )
                    result = run_load(spec, folder, expect="200")
                    store = figures.log_small if size == "small" else figures.log_large
                    store.setdefault(name, []).append(result)
                    say(
                        f"  {kind} log {name} {size} round {number + 1}: "
                        f"{result.throughput:.0f}/s p50 {result.p50_ms:.1f} ms {result.statuses}"
                    )


def _memory_calls(key: str, known_id: str) -> list[Call]:
    auth = {"Authorization": f"Bearer {key}"}
    posts = [Call("POST", "/v1/declines", body, auth) for body in bodies.decline_bodies(6, seed=11)]
    return [
        *posts,
        Call("GET", "/v1/declines?limit=20", None, auth),
        Call("GET", f"/v1/declines?limit=20&company={quote(bodies.FILTER_COMPANY)}", None, auth),
        Call("GET", f"/v1/declines/{known_id}", None, auth),
        Call("GET", "/v1/reasons", None, auth),
        Call("POST", "/v1/declines", '{"stage": "hired"}', auth),  # 422
        Call("GET", "/v1/declines/dcl_00000000000000000000000000", None, auth),  # 404
    ]


def measure_memory(
    kind: str, config: BenchConfig, folder: Path, figures: Figures, say: Progress
) -> None:
    with ExitStack() as stack:
        url, key = stack.enter_context(bench_database(kind, folder))
        app = stack.enter_context(
            server.running("app.main:app", server.service_env(url), folder / f"{kind}-memory.log")
        )
        _, document = request(f"{app.url}/v1/declines", key, bodies.decline_bodies(1)[0])
        calls = _memory_calls(key, json.loads(document)["id"])

        def drive(count: int) -> LoadResult:
            spec = LoadSpec(
                host=server.HOST,
                port=app.port,
                calls=calls,
                concurrency=config.memory_concurrency,
                total_requests=count,
            )
            result = run_load(spec, folder, expect=None)
            for status, number in result.statuses.items():
                figures.memory_statuses[status] = figures.memory_statuses.get(status, 0) + number
            return result

        first = drive(config.memory_baseline_requests)
        figures.rss_baseline = app.rss_bytes()
        baseline_mib = figures.rss_baseline / 2**20
        say(f"  {kind} memory after {first.requests:,} requests: {baseline_mib:.1f} MiB")
        rest = drive(config.memory_requests - config.memory_baseline_requests)
        figures.rss_final = app.rss_bytes()
        figures.memory_requests = (first.requests, first.requests + rest.requests)
        say(
            f"  {kind} memory after {first.requests + rest.requests:,} requests: "
            f"{figures.rss_final / 2**20:.1f} MiB ({rest.throughput:.0f}/s)"
        )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
