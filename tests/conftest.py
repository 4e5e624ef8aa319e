"""Shared fixtures: a migrated database per backend and an HTTP client over the ASGI app.

Every API test runs on SQLite, and also on PostgreSQL when TEST_DATABASE_URL is set. The
databases are built by running the Alembic migrations, so drift between models and
migrations fails the tests.
"""

import gc
import itertools
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from app import cli
from app.config import Settings, get_settings
from app.main import create_app
from app.store import keys as key_store
from scripts.dbtools import migrate, migrated_postgres

ROOT = Path(__file__).resolve().parents[1]
PINNED_NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


def _backends() -> list[str]:
    backends = ["sqlite"]
    if os.environ.get("TEST_DATABASE_URL"):
        backends.append("postgresql")
    return backends


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", _backends(), indirect=True, scope="session")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # pytest-xdist hands tests out in this order: the longest first, one to each worker, so that
    # the rest of the suite runs beside them rather than after them.
    def seconds(item: pytest.Item) -> float:
        marker = item.get_closest_marker("long")
        return float(marker.args[0]) if marker else 0.0

    items.sort(key=seconds, reverse=True)


@pytest.fixture(scope="session")
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "gracious.db"
        url = f"sqlite+aiosqlite:///{path}"
        migrate(url)
        yield url
        return
    # A database of our own on the shared server, so concurrent runs never collide.
    with migrated_postgres(os.environ["TEST_DATABASE_URL"], "gracious_test") as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Rate limits have their own tests; elsewhere they would only add noise.
    return Settings(database_url=database_url, rate_limit_per_minute=0)


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: PINNED_NOW


# Every app's lifespan runs gc.collect() and gc.freeze() (app/main.py), and unfreezes at
# shutdown. In a test process that full collection walks the whole heap, pytest and hypothesis
# included, once per test: ~40% of an API test's CPU. Frozen beforehand, the long-lived heap is
# out of its sight, so the lifespan's own collection (the same code) sees only what is new; a full
# collection every COLLECT_EVERY apps still frees what earlier tests left behind.
COLLECT_EVERY = 25
_apps_started = itertools.count()


def _freeze_the_heap() -> None:
    if next(_apps_started) % COLLECT_EVERY == 0:
        gc.collect()
    gc.freeze()


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[FastAPI]:
    _freeze_the_heap()
    application = create_app(settings)
    async with LifespanManager(application):
        async with application.state.engine.begin() as connection:
            for table in [
                "delivery_attempts",
                "deliveries",
                "events",
                "webhook_endpoints",
                "follow_ups",
                "declines",
                "closeouts",
                "idempotency_keys",
                "api_keys",
                "admin_keys",
            ]:
                await connection.execute(text(f"DELETE FROM {table}"))
            await connection.execute(text("DELETE FROM tenants WHERE id <> 'ten_default'"))
        yield application


def gracious_process(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`gracious ARGS` as its own process, on the database at `database_url`."""
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        env={**os.environ, "DATABASE_URL": database_url},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


@pytest.fixture
def gracious(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Iterator[Callable[..., subprocess.CompletedProcess[str]]]:
    """`gracious ARGS` in this process: the console script's main(), reading DATABASE_URL as it
    does, without starting a Python of its own (1.6 s of CPU a call). gracious_process proves
    the script itself."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    get_settings.cache_clear()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return subprocess.CompletedProcess(["gracious", *args], code, out, err)

    yield run
    get_settings.cache_clear()


async def new_key(app: FastAPI, tenant: str) -> str:
    _, secret = await key_store.create_key(app.state.engine, tenant=tenant)
    return secret


def http_client(app: FastAPI, key: str | None) -> AsyncClient:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    return AsyncClient(transport=transport, base_url="http://testserver", headers=headers)


@pytest.fixture
async def api_key(app: FastAPI) -> str:
    return await new_key(app, "tenant-a")


@pytest.fixture
async def client(app: FastAPI, api_key: str) -> AsyncIterator[AsyncClient]:
    """A client of tenant-a, authenticated."""
    async with http_client(app, api_key) as http:
        yield http


@pytest.fixture
async def other_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    """A client of tenant-b, authenticated with its own key."""
    async with http_client(app, await new_key(app, "tenant-b")) as http:
        yield http


@pytest.fixture
async def anonymous(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with http_client(app, None) as http:
        yield http


@pytest.fixture
def pinned(app: FastAPI, clock: Callable[[], datetime]) -> Iterator[None]:
    real = app.state.clock
    app.state.clock = clock
    yield
    app.state.clock = real


async def count_rows(app: FastAPI) -> int:
    async with app.state.engine.connect() as connection:
        result = await connection.execute(text("SELECT COUNT(*) FROM declines"))
        return int(result.scalar_one())


def decline_request(**overrides: Any) -> dict[str, Any]:
    """A complete, valid request; tests override what they are about."""
    body: dict[str, Any] = {
        "stage": "offer",
        "role": "Senior Data Engineer",
        "company": "Acme Analytics",
        "candidate": {"name": "Ana Ruiz", "email": "ana@example.com", "phone": "+1 415 555 0100"},
        "recipient": {"name": "Jordan Lee", "title": "Hiring Manager"},
        "reason": {"category": "career_direction", "detail": "I want to lead a team."},
        "preferred_role": {"title": "Engineering Manager, Data Platform"},
        "referral": {"name": "Sam Patel", "relationship": "a former colleague", "timing": "now"},
        # Something for each of the two check-ins to be about.
        "relationship": {
            "company_news": "the launch of your real-time analytics product",
            "common_ground": "open-source data tooling",
        },
        "interview_at": "2026-12-01T15:00:00-05:00",
    }
    body.update(overrides)
    return body


def every_text(value: Any) -> list[str]:
    """Every string in a JSON-like value (dicts, lists), in order."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in every_text(item)]
    if isinstance(value, list):
        return [text for item in value for text in every_text(item)]
    return []
