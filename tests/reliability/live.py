"""Helpers for the live-server tests: a service on a free port, a client pool, database checks."""

import asyncio
import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg  # type: ignore[import-untyped]
import httpx

from app.config import Settings
from app.db import create_engine
from app.store import keys as key_store
from scripts.bench import bodies, databases, server

# The long versions run under `make soak` (GRACIOUS_SOAK=1); `make test` runs the short ones.
SOAK = os.environ.get("GRACIOUS_SOAK", "") not in ("", "0")


def backends() -> list[str]:
    kinds = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        kinds.append("postgresql")
    return kinds


@dataclass
class Service:
    """A running service, its database and a key for it; `restart` keeps the database."""

    url: str
    key: str
    folder: Path
    env: dict[str, str]
    server: server.Server
    restarts: int = 0

    @property
    def base(self) -> str:
        return self.server.url

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.key}"}

    def restart(self) -> None:
        server.stop(self.server)
        self.restarts += 1
        self.server = server.start("app.main:app", self.env, self.folder / "server.log")

    def client(self, *, keep_alive: bool = True, timeout: float = 60.0) -> httpx.AsyncClient:
        limits = httpx.Limits(max_keepalive_connections=None if keep_alive else 0)
        return httpx.AsyncClient(
            base_url=self.base, headers=self.headers, timeout=timeout, limits=limits
        )


def create_key(url: str, tenant: str) -> str:
    """A new API key, made in-process (the same code as `gracious keys create`, faster)."""

    async def make() -> str:
        engine = create_engine(Settings(database_url=url))
        try:
            _, secret = await key_store.create_key(engine, tenant=tenant)
            return secret
        finally:
            await engine.dispose()

    return asyncio.run(make())


@contextlib.contextmanager
def service(kind: str, folder: Path, **env: str) -> Iterator[Service]:
    """A fresh, migrated database of `kind` with a live service on it; all removed at the end."""
    with databases.database(kind, folder) as url, serving(url, folder, **env) as live:
        yield live


@contextlib.contextmanager
def serving(url: str, folder: Path, **env: str) -> Iterator[Service]:
    """A live service on the migrated database at `url`, with a new key; stopped at the end."""
    key = create_key(url, "reliability")
    service_env = server.service_env(url, **env)
    started = server.start("app.main:app", service_env, folder / "server.log")
    live = Service(url=url, key=key, folder=folder, env=service_env, server=started)
    try:
        yield live
    finally:
        server.stop(live.server)


@dataclass
class Outcome:
    """What one POST got: a status (None when the connection failed) and the new id."""

    status: int | None
    decline_id: str | None = None
    error: str | None = None
    finished: float = field(default_factory=time.monotonic)


async def post_declines(
    live: Service, total: int, clients: int, *, keep_alive: bool = True
) -> list[Outcome]:
    """`clients` concurrent clients post `total` valid declines between them."""
    payloads = bodies.decline_bodies(total, seed=total)
    queue: asyncio.Queue[str] = asyncio.Queue()
    for payload in payloads:
        queue.put_nowait(payload)
    outcomes: list[Outcome] = []

    async def client_loop() -> None:
        async with live.client(keep_alive=keep_alive) as http:
            while not queue.empty():
                payload = queue.get_nowait()
                try:
                    response = await http.post(
                        "/v1/declines",
                        content=payload,
                        headers={"Content-Type": "application/json"},
                    )
                except httpx.HTTPError as error:
                    outcomes.append(Outcome(None, error=f"{type(error).__name__}: {error}"))
                    continue
                decline_id = response.json().get("id") if response.status_code == 201 else None
                outcomes.append(Outcome(response.status_code, decline_id))

    await asyncio.gather(*(client_loop() for _ in range(clients)))
    return outcomes


async def unreadable(live: Service, ids: list[str], clients: int = 16) -> list[str]:
    """The ids among `ids` that GET /v1/declines/{id} does not return intact."""
    missing: list[str] = []
    queue: asyncio.Queue[str] = asyncio.Queue()
    for decline_id in ids:
        queue.put_nowait(decline_id)

    async def reader() -> None:
        async with live.client() as http:
            while not queue.empty():
                decline_id = queue.get_nowait()
                response = await http.get(f"/v1/declines/{decline_id}")
                if response.status_code != 200 or response.json().get("id") != decline_id:
                    missing.append(decline_id)

    await asyncio.gather(*(reader() for _ in range(clients)))
    return missing


def stored_ids(url: str) -> list[str]:
    """Every decline id in the database, read with the raw driver."""
    if databases.is_postgresql(url):

        async def fetch() -> list[str]:
            connection = await asyncpg.connect(databases.driver_dsn(url))
            try:
                return [row["id"] for row in await connection.fetch("SELECT id FROM declines")]
            finally:
                await connection.close()

        return asyncio.run(fetch())
    with contextlib.closing(sqlite3.connect(databases.sqlite_path(url))) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM declines")]


def integrity_problems(url: str) -> list[str]:
    """What the database's own checks say is wrong; empty when it is consistent.

    SQLite: `PRAGMA integrity_check`. PostgreSQL: every index of the table checked against it
    with amcheck (when the extension is available), and every stored document well-formed.
    """
    if not databases.is_postgresql(url):
        with contextlib.closing(sqlite3.connect(databases.sqlite_path(url))) as connection:
            verdict = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            problems = [] if verdict == ["ok"] else verdict
            rows = connection.execute("SELECT id, document FROM declines").fetchall()
        return problems + _document_problems(rows)

    async def check() -> list[str]:
        connection = await asyncpg.connect(databases.driver_dsn(url))
        try:
            problems: list[str] = []
            available = await connection.fetchval(
                "SELECT count(*) FROM pg_available_extensions WHERE name = 'amcheck'"
            )
            if available:
                await connection.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
                indexes = await connection.fetch(
                    "SELECT indexrelid::regclass::text AS name FROM pg_index "
                    "WHERE indrelid = 'declines'::regclass"
                )
                for index in indexes:
                    try:
                        await connection.execute(
                            f"SELECT bt_index_check('{index['name']}'::regclass, true)"
                        )
                    except asyncpg.PostgresError as error:
                        problems.append(f"{index['name']}: {error}")
            rows = await connection.fetch("SELECT id, document FROM declines")
            return problems + _document_problems([(row["id"], row["document"]) for row in rows])
        finally:
            await connection.close()

    return asyncio.run(check())


def _document_problems(rows: list[tuple[str, str]]) -> list[str]:
    problems = []
    for decline_id, document in rows:
        try:
            parsed = json.loads(document)
        except ValueError:
            problems.append(f"{decline_id}: the stored document is not JSON")
            continue
        if parsed.get("id") != decline_id:
            problems.append(f"{decline_id}: the stored document has id {parsed.get('id')!r}")
    return problems
