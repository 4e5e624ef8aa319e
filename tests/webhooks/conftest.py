"""Webhook tests: a worker of the test's own, driven by a clock the test moves."""

from datetime import UTC, datetime, timedelta

import pytest

from app.config import Settings


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
