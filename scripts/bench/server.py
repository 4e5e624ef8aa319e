"""Live servers for the benchmark and the reliability tests: uvicorn, one worker, on loopback.

Every server gets a free port and its own process group, and is stopped (then killed) when its
context ends, whatever happened inside it, so no run leaves a process behind.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SERVICE = "app.main:app"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def service_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of a service under test: rate limits off, logs quiet, no .env surprises."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BENCH_")}
    env.update(
        DATABASE_URL=database_url,
        RATE_LIMIT_PER_MINUTE="0",
        LOG_LEVEL="warning",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def rss_bytes(self) -> int:
        """Resident memory of the server process, from /proc."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError(f"no VmRSS for pid {self.pid}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None


def wait_until_ready(
    url: str, *, timeout: float = 30.0, process: "subprocess.Popen[bytes] | None" = None
) -> None:
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as error:
            last_error = error
        time.sleep(0.05)
    raise TimeoutError(f"{url} not ready after {timeout}s: {last_error}")


def start(
    app: str,
    env: Mapping[str, str],
    log: Path,
    *,
    port: int | None = None,
    ready_path: str = "/healthz",
    extra_args: tuple[str, ...] = (),
) -> Server:
    """Start the service the way production does (`gracious serve`), or `uvicorn APP` for any
    other app, and wait until `ready_path` answers 200. Neither writes an access log."""
    port = port or free_port()
    if app == SERVICE and not extra_args:
        command = [str(BIN / "gracious"), "serve", "--host", HOST, "--port", str(port)]
    else:
        command = [
            str(BIN / "uvicorn"),
            app,
            "--host",
            HOST,
            "--port",
            str(port),
            "--no-access-log",
            "--no-server-header",
            "--log-level",
            "warning",
            *extra_args,
        ]
    with log.open("ab") as log_file:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=dict(env),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process=process, port=port, log=log)
    try:
        wait_until_ready(f"{server.url}{ready_path}", process=process)
    except BaseException:
        stop(server, grace=0)
        raise RuntimeError(f"{app} did not start:\n{server.log_text()[-4000:]}") from None
    return server


def stop(server: Server, *, grace: float = 10.0, sig: int = signal.SIGTERM) -> int:
    """Signal the server, wait up to `grace` seconds, then kill its process group."""
    if server.process.poll() is None and grace > 0:
        with contextlib.suppress(ProcessLookupError):
            server.process.send_signal(sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.process.wait(timeout=grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(server.process.pid, signal.SIGKILL)
    return server.process.wait()


@contextlib.contextmanager
def running(
    app: str,
    env: Mapping[str, str],
    log: Path,
    *,
    ready_path: str = "/healthz",
    extra_args: tuple[str, ...] = (),
) -> Iterator[Server]:
    server = start(app, env, log, ready_path=ready_path, extra_args=extra_args)
    try:
        yield server
    finally:
        stop(server)


def create_key(database_url: str, tenant: str) -> str:
    """A new API key for `tenant`, made with the service's own command line."""
    result = subprocess.run(
        [str(BIN / "gracious"), "keys", "create", "--tenant", tenant, "--quiet"],
        cwd=ROOT,
        env=service_env(database_url),
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip().splitlines()[-1]
