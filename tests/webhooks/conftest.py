"""Webhook tests: a worker of the test's own, driven by a clock the test moves."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.config import Settings
from app.worker import Worker


class MovableClock:
    """Now, as the test says: starts at the real time, moves only when told."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def settings(database_url: str) -> Settings:
    # The worker here is the test's, on its clock; the embedded one would race it.
    return Settings(
        database_url=database_url,
        rate_limit_per_minute=0,
        worker_embedded=False,
        webhook_allow_private_networks=True,
    )


@pytest.fixture
def movable() -> MovableClock:
    return MovableClock()


async def new_endpoint(client: AsyncClient, url: str, events: list[str] | None = None) -> Any:
    response = await client.post(
        "/v1/webhook-endpoints", json={"url": url, "events": events or ["*"]}
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["secret"].startswith("whsec_")
    return created


async def drain(worker: Worker, passes: int = 5) -> None:
    for _ in range(passes):
        if not await worker.run_once():
            return


def worker_of(app: FastAPI, settings: Settings, clock: MovableClock) -> Worker:
    return Worker(app.state.engine, settings, clock=clock)
