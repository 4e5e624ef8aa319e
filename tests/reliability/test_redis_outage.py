"""A hung Redis (SIGSTOP on a redis-server of the test's own) with two live replicas: every
request still answers in time, the way RATE_LIMITS_WITHOUT_REDIS says, the log says so once,
and /readyz reports it (issue 11: 9)."""

import asyncio
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from scripts.bench import databases
from tests.redis_server import RedisServer, redis_server
from tests.reliability.live import Service, backends, serving

pytestmark = pytest.mark.anyio
TIMEOUT = 0.3  # REDIS_TIMEOUT_SECONDS
# A hung Redis may cost a request a timeout or two (the command, then the reconnect), never
# more; the rest of a request's time is whatever the same requests take here with Redis up,
# measured in the same run, so a slow machine slows both.
TIMEOUTS_PER_REQUEST = 2


@pytest.fixture(params=backends())
def two_replicas(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[RedisServer, list[Service]]]:
    with redis_server(tmp_path) as redis, databases.database(request.param, tmp_path) as url:
        env = {
            "REDIS_URL": redis.url,
            "REDIS_TIMEOUT_SECONDS": str(TIMEOUT),
            "RATE_LIMIT_PER_MINUTE": "1000",
            "LOG_LEVEL": "info",
        }
        with ExitStack() as stack:
            replicas = []
            for name in ("first", "second"):
                folder = tmp_path / name
                folder.mkdir()
                replicas.append(stack.enter_context(serving(url, folder, **env)))
            try:
                yield redis, replicas
            finally:
                redis.resume()


async def _timed(http: httpx.AsyncClient, path: str) -> tuple[httpx.Response, float]:
    began = time.monotonic()
    response = await http.get(path)
    return response, time.monotonic() - began


def _deadline(slowest_up: float) -> float:
    return 2 * slowest_up + TIMEOUTS_PER_REQUEST * TIMEOUT


async def _answers(http: httpx.AsyncClient) -> list[tuple[httpx.Response, float]]:
    """Thirty concurrent requests, then ten in a row, each timed."""
    answers = await asyncio.gather(*(_timed(http, "/v1/reasons") for _ in range(30)))
    return answers + [await _timed(http, "/v1/declines") for _ in range(10)]


async def test_a_hung_redis_slows_no_request_and_is_reported_once(
    two_replicas: tuple[RedisServer, list[Service]],
) -> None:
    redis, replicas = two_replicas
    slowest_up = 0.0
    for live in replicas:
        async with live.client(timeout=30) as http:
            await _answers(http)  # warm: connections, caches
            for response, elapsed in await _answers(http):
                assert response.status_code == 200
                assert "ratelimit" in response.headers
                slowest_up = max(slowest_up, elapsed)
            assert (await http.get("/readyz")).json()["rate_limits"] == "ok"
    deadline = _deadline(slowest_up)

    redis.pause()
    for live in replicas:
        async with live.client(timeout=30) as http:
            for response, elapsed in await _answers(http):
                assert response.status_code == 200, response.text[:300]
                assert elapsed < deadline, f"{elapsed:.2f}s with Redis hung, {slowest_up:.2f}s up"
            ready, elapsed = await _timed(http, "/readyz")
            assert ready.status_code == 200
            assert ready.json()["rate_limits"].startswith("unavailable")
            assert elapsed < deadline
    for live in replicas:
        log = live.server.log_text()
        assert 1 <= log.count("rate-limit storage unavailable") <= 2, log[-2000:]
        assert "Traceback" not in log
        # Besides one line per request (app/logs.py), the outage costs a line or two, not one
        # a request.
        others = [line for line in log.splitlines() if " info request " not in line]
        assert len(others) < 20, "\n".join(others)[-2000:]

    redis.resume()
    for live in replicas:
        async with live.client(timeout=30) as http:
            deadline = time.monotonic() + 10
            while "ratelimit" not in (await http.get("/v1/reasons")).headers:
                assert time.monotonic() < deadline, (await http.get("/readyz")).text
                await asyncio.sleep(0.2)
            assert (await http.get("/readyz")).json()["rate_limits"] == "ok"


@pytest.fixture
def failing_closed(tmp_path: Path) -> Iterator[tuple[RedisServer, Service]]:
    with redis_server(tmp_path) as redis, databases.database("sqlite", tmp_path) as url:
        env = {
            "REDIS_URL": redis.url,
            "REDIS_TIMEOUT_SECONDS": str(TIMEOUT),
            "RATE_LIMITS_WITHOUT_REDIS": "closed",
            "RATE_LIMIT_PER_MINUTE": "1000",
        }
        with serving(url, tmp_path, **env) as live:
            try:
                yield redis, live
            finally:
                redis.resume()


async def test_failing_closed_answers_503_in_time(
    failing_closed: tuple[RedisServer, Service],
) -> None:
    redis, live = failing_closed
    async with live.client(timeout=30) as http:
        slowest_up = 0.0
        for path in ("/v1/reasons", "/readyz") * 3:
            response, elapsed = await _timed(http, path)
            assert response.status_code == 200
            slowest_up = max(slowest_up, elapsed)
        redis.pause()
        for path in ("/v1/reasons", "/readyz"):
            response, elapsed = await _timed(http, path)
            assert response.status_code == 503, response.text[:300]
            assert response.headers["content-type"] == "application/problem+json"
            assert "retry-after" in response.headers
            assert elapsed < _deadline(slowest_up), f"{elapsed:.2f}s, {slowest_up:.2f}s up"
