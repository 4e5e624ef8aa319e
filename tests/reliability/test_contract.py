"""Schemathesis against a live service with openapi.yaml: every phase (examples, coverage,
fuzzing, stateful), positive and negative data, and every check, including the auth ones.

It runs the schemathesis command line, which is the supported way to get all four phases in
one run; a fixed seed makes `make test` reproducible, and `make soak` asks for many more
examples per operation.
"""

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from scripts.bench import server
from tests.reliability.live import SOAK, Service, service

# Every phase runs on every operation either way, and most of the run's cost does not depend on
# this number (96 s of CPU at 15, 76 s at 5); the depth of fuzzing is `make soak`'s.
EXAMPLES = 300 if SOAK else 5
SEED = 20261125


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[Service]:
    with service("sqlite", tmp_path) as running:
        yield running


@pytest.mark.long(60)
def test_openapi_contract_holds(sqlite_service: Service, tmp_path: Path) -> None:
    # OpenAPI-aware auth (rather than a fixed header) lets the auth checks take the key away.
    config = tmp_path / "schemathesis.toml"
    config.write_text(f'[auth.openapi.ApiKey]\nbearer = "{sqlite_service.key}"\n')
    command = [
        str(server.BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        str(server.ROOT / "openapi.yaml"),
        "--url",
        sqlite_service.base,
        "--checks",
        "all",
        "--mode",
        "all",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--generation-database",
        "none",
        "--request-timeout",
        "30",
        "--no-color",
        # The tenant and key admin API needs an admin key, and this run has a tenant's; those
        # operations are driven through the generated client (tests/api/test_generated_client).
        "--exclude-path-regex",
        "^/v1/(tenants|keys)",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.reliability.schemathesis_hooks"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(server.ROOT), env.get("PYTHONPATH")]))
    result = subprocess.run(
        command,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600 if SOAK else 600,
    )
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-5_000:]
    assert "Tested: 8" in result.stdout or "Tested:" in result.stdout
    assert sqlite_service.server.alive()
