"""The load generator: keep-alive HTTP/1.1 connections on loopback, run in its own process.

A raw asyncio client (uvloop when installed) costs a few tens of microseconds per request, so
one core drives a single-worker server well past what it can serve, and the figures describe
the server rather than the client. Each connection sends the next request of a shared list as
soon as the previous answer is in (a closed loop), which is how 64 concurrent clients behave.
With `rate`, requests start on a schedule instead (request n at n / rate seconds), each on the
next free connection: an open loop, as when events arrive at a steady pace.

Run it as `python -m scripts.bench.load SPEC.json`; it prints one JSON result on stdout.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True, slots=True)
class Call:
    method: str
    path: str
    body: str | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadSpec:
    host: str
    port: int
    calls: list[Call]
    concurrency: int = 64
    warmup_seconds: float = 0.0
    duration_seconds: float | None = None  # measure for this long ...
    total_requests: int | None = None  # ... or until this many answers came back
    timeout_seconds: float = 30.0
    rate: float | None = None  # requests started a second, on a schedule; None: closed loop

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> "LoadSpec":
        raw = json.loads(text)
        raw["calls"] = [Call(**call) for call in raw["calls"]]
        return cls(**raw)


@dataclass(frozen=True, slots=True)
class LoadResult:
    requests: int
    seconds: float
    throughput: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    statuses: dict[str, int]
    errors: int
    late_ms: float = 0.0  # paced runs: the most a request started after its slot

    @classmethod
    def from_json(cls, text: str) -> "LoadResult":
        return cls(**json.loads(text))


def _request_bytes(call: Call, host: str, port: int) -> bytes:
    body = (call.body or "").encode()
    lines = [f"{call.method} {call.path} HTTP/1.1", f"Host: {host}:{port}"]
    lines += [f"{name}: {value}" for name, value in call.headers.items()]
    if call.body is not None:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Status and whether the server keeps the connection open; the body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    status = int(status_line.split(" ", 2)[1])
    headers = {}
    for line in header_lines:
        if ":" in line:
            name, value = line.split(":", 1)
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    else:
        await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers.get("connection", "").lower() != "close"


class _Run:
    def __init__(self, spec: LoadSpec) -> None:
        self.spec = spec
        self.payloads = [_request_bytes(call, spec.host, spec.port) for call in spec.calls]
        self.next_call = 0
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.errors = 0
        self.started = 0  # requests handed out in the measured phase
        self.measuring = False
        self.stop = False
        self.paced_from = 0.0
        self.late = 0.0  # the most a paced request started after its slot, in seconds

    def take(self) -> bytes | None:
        if self.stop:
            return None
        if self.measuring and self.spec.total_requests is not None:
            if self.started >= self.spec.total_requests:
                return None
            self.started += 1
        payload = self.payloads[self.next_call % len(self.payloads)]
        self.next_call += 1
        return payload

    async def pace(self) -> None:
        """Wait for the slot of the request just taken (paced runs only)."""
        if self.spec.rate is None:
            return
        slot = self.paced_from + (self.next_call - 1) / self.spec.rate
        wait = slot - time.perf_counter()
        if wait > 0:
            await asyncio.sleep(wait)
        else:
            self.late = max(self.late, -wait)

    async def connection(self) -> None:
        reader: asyncio.StreamReader | None = None
        writer: asyncio.StreamWriter | None = None
        try:
            while (payload := self.take()) is not None:
                counted = self.measuring
                await self.pace()
                try:
                    if writer is None or reader is None:
                        reader, writer = await asyncio.open_connection(
                            self.spec.host, self.spec.port
                        )
                    began = time.perf_counter()
                    writer.write(payload)
                    async with asyncio.timeout(self.spec.timeout_seconds):
                        status, keep_alive = await _read_response(reader)
                    elapsed = time.perf_counter() - began
                except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
                    if counted:
                        self.errors += 1
                    if writer is not None:
                        writer.close()
                    reader = writer = None
                    await asyncio.sleep(0.01)
                    continue
                if counted and self.measuring:
                    self.latencies.append(elapsed)
                    self.statuses[str(status)] = self.statuses.get(str(status), 0) + 1
                if not keep_alive and writer is not None:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    async def run(self) -> LoadResult:
        if self.spec.rate is not None:
            # Paced runs count from the first request: there is no warm-up to leave out.
            self.measuring = True
        self.paced_from = time.perf_counter()
        tasks = [asyncio.create_task(self.connection()) for _ in range(self.spec.concurrency)]
        if self.spec.warmup_seconds:
            await asyncio.sleep(self.spec.warmup_seconds)
        self.measuring = True
        began = time.perf_counter()
        if self.spec.duration_seconds is not None:
            await asyncio.sleep(self.spec.duration_seconds)
            self.stop = True
            seconds = time.perf_counter() - began
            self.measuring = False  # answers still in flight are not counted
            await asyncio.gather(*tasks)
        else:
            await asyncio.gather(*tasks)
            seconds = time.perf_counter() - began
        return self.result(seconds)

    def result(self, seconds: float) -> LoadResult:
        latencies = sorted(self.latencies) or [0.0]

        def percentile(share: float) -> float:
            return latencies[min(len(latencies) - 1, int(share * len(latencies)))] * 1000

        return LoadResult(
            requests=len(self.latencies),
            seconds=seconds,
            throughput=len(self.latencies) / seconds if seconds else 0.0,
            p50_ms=statistics.median(latencies) * 1000,
            p90_ms=percentile(0.90),
            p99_ms=percentile(0.99),
            max_ms=latencies[-1] * 1000,
            statuses=self.statuses,
            errors=self.errors,
            late_ms=self.late * 1000,
        )


def run_spec(spec: LoadSpec) -> LoadResult:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvicorn[standard] brings it
        return asyncio.run(_Run(spec).run())
    return uvloop.run(_Run(spec).run())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("spec", type=Path, help="a LoadSpec as JSON")
    args = parser.parse_args(argv)
    result = run_spec(LoadSpec.from_json(args.spec.read_text()))
    json.dump(asdict(result), sys.stdout)
    return 0


def as_dict(result: LoadResult) -> dict[str, Any]:
    return asdict(result)


if __name__ == "__main__":
    sys.exit(main())
