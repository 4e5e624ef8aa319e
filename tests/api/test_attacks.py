"""Attacks on authentication and its neighbours (issue 11: 2, 11, 15, 16, 17), with two
replicas (two apps on one database, and one Redis of the test's own) where it matters."""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from app import keys
from app.config import Settings
from app.main import create_app
from app.store import keys as key_store
from scripts.bench import databases
from tests.conftest import count_rows, decline_request, http_client, new_key
from tests.redis_server import redis_server

pytestmark = pytest.mark.anyio
PROBLEM = "application/problem+json"


@asynccontextmanager
async def replicas(
    count: int, database_url: str, **settings: object
) -> AsyncIterator[list[FastAPI]]:
    """`count` app instances on one database, each with its own process state."""
    async with AsyncExitStack() as stack:
        apps = []
        for _ in range(count):
            application = create_app(
                Settings(database_url=database_url, rate_limit_per_minute=0, **settings)  # type: ignore[arg-type]
            )
            await stack.enter_async_context(LifespanManager(application))
            apps.append(application)
        yield apps


def client_from(app: FastAPI, address: str, key: str | None = None) -> AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=(address, 40000))
    return AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


# 2. A revoked key gets nothing but 401, on every replica, whatever it sends.


async def test_a_revoked_key_gets_only_401_on_a_replica_that_knew_it(
    app: FastAPI, database_url: str
) -> None:
    key_id, secret = await key_store.create_key(app.state.engine, tenant="tenant-a")
    headers = {"Idempotency-Key": "before-revocation"}
    async with replicas(2, database_url) as (first, second):
        # Both replicas have seen the key work, on the paths that remember it.
        for replica in (first, second):
            async with http_client(replica, secret) as http:
                plain = await http.post("/v1/declines", json=decline_request(role="Plain"))
                assert plain.status_code == 201
        async with http_client(first, secret) as http:
            assert (
                await http.post("/v1/declines", json=decline_request(), headers=headers)
            ).status_code == 201

        assert await key_store.revoke_key(app.state.engine, key_id)  # `gracious keys revoke`

        attempts = [
            ("POST", decline_request(), headers),  # a replay
            ("POST", decline_request(role="Other"), headers),  # a mismatched body
            ("POST", {"stage": "nope"}, headers),  # an invalid body
            ("POST", {"stage": "nope"}, {}),
            ("POST", decline_request(), {}),  # a plain create
            ("POST", decline_request(), {"Idempotency-Key": "new"}),
        ]
        for replica in (first, second):
            async with http_client(replica, secret) as http:
                for method, body, extra in attempts:
                    response = await http.request(method, "/v1/declines", json=body, headers=extra)
                    assert response.status_code == 401, (body, extra, response.text[:300])
                    assert "Ana Ruiz" not in response.text
                for path in ("/v1/declines", "/v1/reasons", "/v1/declines/preview"):
                    method = "POST" if path.endswith("preview") else "GET"
                    response = await http.request(method, path, json=decline_request())
                    assert response.status_code == 401
    assert await count_rows(app) == 3


# 11. No redirect names a host the client chose; forwarded headers only from trusted proxies.


@pytest.mark.parametrize("path", ["/v1/declines/", "/v1/reasons/", "/docs/", "/healthz/"])
async def test_a_trailing_slash_is_a_404_not_a_redirect(client: AsyncClient, path: str) -> None:
    response = await client.get(path, headers={"Host": "evil.example"})
    assert response.status_code == 404, response.headers
    assert "location" not in response.headers
    assert response.headers["content-type"] == PROBLEM
    assert "evil.example" not in response.text


async def test_forwarded_addresses_count_only_from_trusted_proxies(database_url: str) -> None:
    wrong = "gr_live_" + "w" * 43
    async with replicas(1, database_url, auth_failures_per_minute=3) as (untrusting,):
        statuses = []
        for number in range(5):
            async with client_from(untrusting, "203.0.113.7", wrong) as http:
                spoofed = {"X-Forwarded-For": f"198.51.100.{number}"}
                statuses.append((await http.get("/v1/reasons", headers=spoofed)).status_code)
        # X-Forwarded-For from an untrusted peer is ignored: one address, limited.
        assert statuses == [401, 401, 401, 429, 429]
    async with replicas(
        1, database_url, auth_failures_per_minute=3, forwarded_allow_ips="10.0.0.2"
    ) as (behind_proxy,):
        statuses = []
        for number in range(5):
            async with client_from(behind_proxy, "10.0.0.2", wrong) as http:
                forwarded = {"X-Forwarded-For": f"198.51.100.{number}"}
                statuses.append((await http.get("/v1/reasons", headers=forwarded)).status_code)
        assert statuses == [401] * 5


def test_trusting_every_address_is_refused() -> None:
    with pytest.raises(ValueError, match="FORWARDED_ALLOW_IPS"):
        create_app(Settings(forwarded_allow_ips="10.0.0.1, *"))


def test_the_image_and_make_run_trust_no_proxy_and_log_no_query_strings() -> None:
    root = Path(__file__).resolve().parents[2]
    for launcher in (root / "Dockerfile", root / "Makefile"):
        content = launcher.read_text()
        assert "forwarded-allow-ips" not in content, launcher
        assert "gracious serve" in content, launcher


# 15. Failed authentication costs: limited per address across replicas, and a key that cannot
# exist costs no database round trip.


async def test_failed_authentications_are_limited_per_address_across_replicas(
    database_url: str, tmp_path: Path
) -> None:
    with redis_server(tmp_path) as redis:
        async with replicas(2, database_url, auth_failures_per_minute=5, redis_url=redis.url) as (
            first,
            second,
        ):
            key = await new_key(first, f"good-{uuid.uuid4().hex[:6]}")
            statuses = []
            for replica in (first, second, first, second, first, second, first):
                async with client_from(replica, "192.0.2.50", "gr_live_" + "z" * 43) as http:
                    statuses.append((await http.get("/v1/reasons")).status_code)
            assert statuses == [401] * 5 + [429, 429]
            async with client_from(second, "192.0.2.50", "gr_live_" + "z" * 43) as http:
                refused = await http.get("/v1/reasons")
            assert refused.headers["content-type"] == PROBLEM
            assert 1 <= int(refused.headers["retry-after"]) <= 60
            # Another address is not held back, nor a valid key this replica knows.
            async with client_from(first, "192.0.2.51", "gr_live_" + "z" * 43) as http:
                assert (await http.get("/v1/reasons")).status_code == 401
            async with client_from(first, "192.0.2.52", key) as http:
                assert (await http.get("/v1/reasons")).status_code == 200


async def test_a_key_that_cannot_exist_costs_no_database_round_trip(tmp_path: Path) -> None:
    # A database that cannot be opened: anything that reaches it is a 503.
    unreachable = f"sqlite+aiosqlite:///{tmp_path}/missing/folder/gracious.db"
    invented = [
        "gr_live_" + "x" * 49,  # the shape of a key, a checksum that does not match
        keys.new_secret()[:-1] + "_",
        "gr_live_" + "x" * 44,
        "not-a-key",
    ]
    async with replicas(1, unreachable) as (application,):
        for secret in invented:
            async with http_client(application, secret) as http:
                for method, path in (("GET", "/v1/reasons"), ("POST", "/v1/declines")):
                    response = await http.request(method, path, json=decline_request())
                    assert response.status_code == 401, (secret, path, response.text[:200])
        async with http_client(application, keys.new_secret()) as http:
            # A key that could exist is looked up: the database's absence shows.
            assert (await http.get("/v1/reasons")).status_code == 503


def test_new_keys_carry_a_checksum() -> None:
    secret = keys.new_secret()
    assert keys.looks_like_secret(secret)
    assert len(secret) == len("gr_live_") + 43 + 6
    broken = secret[:-3] + ("AAA" if secret[-3:] != "AAA" else "BBB")
    assert not keys.looks_like_secret(broken)


# 16. The window moves: no burst at its edge gets twice the rate.


async def test_the_rate_limit_window_moves(database_url: str) -> None:
    if databases.is_postgresql(database_url):
        pytest.skip("the counters live in memory or Redis: the database plays no part")
    # 45 a minute over a 4-second window: 3 requests in any 4 seconds.
    async with replicas(1, database_url) as (plain,):
        key = await new_key(plain, f"moving-{uuid.uuid4().hex[:6]}")
    settings = {"rate_limit_per_minute": 45, "rate_limit_window_seconds": 4}
    application = create_app(Settings(database_url=database_url, **settings))  # type: ignore[arg-type]
    async with LifespanManager(application), http_client(application, key) as http:
        assert (await http.get("/v1/reasons")).status_code == 200
        # Timed from its answer, so a slow first request (a loaded machine) cannot leave it
        # inside the window when the test expects it out.
        began = time.monotonic()
        await asyncio.sleep(2)
        assert [(await http.get("/v1/reasons")).status_code for _ in range(3)] == [200, 200, 429]
        # Past the first window's end: a fixed window would grant 3 again; only the first
        # request has left the moving one.
        await asyncio.sleep(max(0.0, 4.3 - (time.monotonic() - began)))
        statuses = [(await http.get("/v1/reasons")).status_code for _ in range(3)]
        assert statuses == [200, 429, 429]
        assert (await http.get("/v1/reasons")).headers["ratelimit-policy"] == '"default";q=3;w=4'


# 17. A key in flight says when to retry, and is free as soon as its owner is gone.


async def test_a_key_left_in_flight_by_a_dead_owner_is_free_at_once(
    client: AsyncClient, app: FastAPI
) -> None:
    # What a request of an earlier release, killed mid-way, left behind: a claim, no response.
    first = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "x"}
    )
    tenant = (await client.get(first.headers["location"])).json()["id"] and None
    del tenant
    async with app.state.engine.begin() as connection:
        tenant_id = (await connection.execute(text("SELECT tenant_id FROM declines"))).scalar_one()
        await connection.execute(
            text(
                "INSERT INTO idempotency_keys (tenant_id, key, fingerprint, created_at) "
                "VALUES (:tenant, 'orphan', 'f', CURRENT_TIMESTAMP)"
            ),
            {"tenant": tenant_id},
        )
    response = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "orphan"}
    )
    assert response.status_code == 201, response.text[:300]


async def test_a_key_in_flight_gets_409_with_retry_after_and_frees_when_its_owner_dies(
    client: AsyncClient, app: FastAPI, database_url: str
) -> None:
    if not databases.is_postgresql(database_url):
        pytest.skip("one SQLite writer at a time: a second request waits its turn instead")
    created = await client.post("/v1/declines", json=decline_request(role="Setup"))
    async with app.state.engine.connect() as connection:
        tenant_id = (
            await connection.execute(
                text("SELECT tenant_id FROM declines WHERE id = :id"),
                {"id": created.json()["id"]},
            )
        ).scalar_one()
    # Another replica's request holds the key: its transaction is open, mid-way.
    owner = await asyncpg.connect(databases.driver_dsn(database_url))
    await owner.execute("BEGIN")
    await owner.execute(
        "INSERT INTO idempotency_keys (tenant_id, key, fingerprint, created_at) "
        "VALUES ($1, 'busy', 'f', now())",
        tenant_id,
    )
    began = time.monotonic()
    async with asyncio.timeout(10):
        busy = await client.post(
            "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "busy"}
        )
    assert busy.status_code == 409, busy.text[:300]
    assert busy.headers["retry-after"] == "1"
    assert time.monotonic() - began < 3
    owner.terminate()  # the owner dies (kill -9): the database rolls its claim back
    async with asyncio.timeout(10):
        while True:
            retried = await client.post(
                "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "busy"}
            )
            if retried.status_code != 409:
                break
            await asyncio.sleep(0.1)
    assert retried.status_code == 201, retried.text[:300]
    assert time.monotonic() - began < 5
