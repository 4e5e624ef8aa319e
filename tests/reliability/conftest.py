"""Fixtures for the reliability tests: live services on free ports, one per backend."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.live import Service, backends, service


@pytest.fixture(params=backends())
def live(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Service]:
    """A live service (uvicorn, one worker) on a fresh database of each backend."""
    with service(request.param, tmp_path) as running:
        yield running
