"""Schemathesis against a live service with openapi.yaml: every phase (examples, coverage,
fuzzing, stateful), positive and negative data, and every check, including the auth ones.

It runs the schemathesis command line, which is the supported way to get all four phases, in
shards that run side by side (SHARDS); a fixed seed makes `make test` reproducible, and
`make soak` asks for many more examples per operation.
"""

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from scripts.bench import server
from tests.reliability.live import SOAK, Service, service

# Every phase runs on every operation either way, and most of the run's cost does not depend on
# this number (96 s of CPU at 15, 76 s at 5); the depth of fuzzing is `make soak`'s.
EXAMPLES = 300 if SOAK else 5
SEED = 20261125


# The run in four shards, one service each, so that no one test is the suite's critical path:
# the coverage phase alone took ~45 s of CPU, and as one run under -n 4 the whole took 234-247 s
# of wall time while every other test took under 23 s. Coverage and fuzzing test each operation
# on its own, so splitting the operations between shards loses nothing; the stateful phase
# follows links between operations, so it runs over all of them in one shard.
ALL_OPERATIONS = "^/"
SHARDS = {
    "examples-fuzzing-stateful": ("examples,fuzzing,stateful", ALL_OPERATIONS),
    "coverage-declines": ("coverage", "^/v1/declines$"),
    "coverage-preview-batch-export": ("coverage", "^/v1/declines/"),
    "coverage-the-rest": ("coverage", "^/(?!v1/declines)"),
}
# The tenant and key admin API needs an admin key, and this run has a tenant's; those operations
# are driven through the generated client (tests/api/test_generated_client).
ADMIN_PATHS = "^/v1/(tenants|keys)"
PHASE_NAMES = {
    "examples": "Examples",
    "coverage": "Coverage",
    "fuzzing": "Fuzzing",
    "stateful": "Stateful",
}


@pytest.fixture
def sqlite_service(tmp_path: Path) -> Iterator[Service]:
    with service("sqlite", tmp_path) as running:
        yield running


@pytest.mark.long(60)
@pytest.mark.parametrize("shard", list(SHARDS))
def test_openapi_contract_holds(sqlite_service: Service, tmp_path: Path, shard: str) -> None:
    phases, paths = SHARDS[shard]
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
        "--phases",
        phases,
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
        "--include-path-regex",
        paths,
        "--exclude-path-regex",
        ADMIN_PATHS,
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
    output = result.stdout
    assert result.returncode == 0, output[-20_000:] + result.stderr[-5_000:]
    # The shard ran what it names: every operation it selected was tested, in each phase.
    selected = re.search(r"Selected: (\d+)/\d+", output)
    tested = re.search(r"Tested: (\d+)", output)
    assert selected, output[-5_000:]
    assert tested, output[-5_000:]
    assert int(selected[1]) > 0, output[-5_000:]
    assert tested[1] == selected[1], output[-5_000:]
    for phase in phases.split(","):
        assert f"✅ {PHASE_NAMES[phase]}" in output, (phase, output[-5_000:])
    assert sqlite_service.server.alive()


def test_the_shards_cover_every_operation_but_the_admin_api() -> None:
    """Each operation outside the admin API is in exactly one coverage shard."""
    spec = yaml.safe_load((server.ROOT / "openapi.yaml").read_text())
    coverage = [paths for phases, paths in SHARDS.values() if "coverage" in phases.split(",")]
    for path in spec["paths"]:
        if re.search(ADMIN_PATHS, path):
            continue
        assert sum(bool(re.search(paths, path)) for paths in coverage) == 1, path
    every = {phase for phases, _ in SHARDS.values() for phase in phases.split(",")}
    assert every == set(PHASE_NAMES)
