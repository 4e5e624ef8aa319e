"""`python -m scripts.bench.profile`: where a live server spends its time on POST /v1/declines
(or, with `--target`, on batches of 100 or closeouts of 20, the bodies of the bench's `bulk`
part).

Starts the service like the benchmark does, drives the write path at 64 connections from a
separate process, samples the server with py-spy meanwhile and prints the functions with the
largest inclusive and self shares of the samples. `--app` profiles another ASGI app (e.g. a
scratch copy's, with PYTHONPATH pointing at it).
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from scripts.bench import bodies, databases, server
from scripts.bench.load import Call, LoadSpec
from scripts.bench.scenarios import run_load

TARGETS: dict[str, tuple[str, Callable[[], list[str]]]] = {
    "write": ("/v1/declines", lambda: bodies.decline_bodies(256)),
    "batch": ("/v1/declines/batch", lambda: bodies.batch_bodies(4, 100)),
    "closeout": ("/v1/closeouts", lambda: bodies.closeout_bodies(8, 20)),
}
# Leaves that mean "waiting for work": the thread pool's idle workers, not costs.
IDLE = ("Condition.wait (threading.py)", "Queue.get (queue.py)", "wait (threading.py)")
FRAME = re.compile(r"^(?P<function>.*?) \((?P<file>[^()]*?)(?::\d+)?\)$")


def _frame_name(frame: str) -> str:
    match = FRAME.match(frame.strip())
    if not match:
        return frame.strip()
    path = match["file"]
    for marker in ("site-packages/", "/work/main/", "lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{match['function']} ({path})"


def summarise(collapsed: str, top: int) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame_name(frame) for frame in stack.split(";")]
        if frames[-1] in IDLE:
            continue
        total += count
        own[frames[-1]] += count
        for name in set(frames):
            inclusive[name] += count
    if not total:
        return "no samples"
    lines = [f"{total} busy samples", "", "inclusive:"]
    lines += [
        f"  {100 * count / total:5.1f}%  {name}" for name, count in inclusive.most_common(top)
    ]
    lines += ["", "self:"]
    lines += [f"  {100 * count / total:5.1f}%  {name}" for name, count in own.most_common(top)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench.profile", description=__doc__)
    parser.add_argument("--database", choices=["postgresql", "sqlite"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--app", default="app.main:app")
    parser.add_argument("--target", choices=sorted(TARGETS), default="write")
    parser.add_argument("--output", type=Path, help="also keep the raw collapsed stacks here")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(server.BIN / "py-spy")
    if not Path(py_spy).exists():
        print("py-spy is not installed: pip install py-spy", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="gracious-profile-") as folder:
        workdir = Path(folder)
        with databases.database(args.database, workdir) as url:
            key = server.create_key(url, "bench")
            with server.running(args.app, server.service_env(url), workdir / "app.log") as app:
                path, make = TARGETS[args.target]
                auth = {"Authorization": f"Bearer {key}"}
                calls = [Call("POST", path, body, auth) for body in make()]
                spec = LoadSpec(
                    host=server.HOST,
                    port=app.port,
                    calls=calls,
                    concurrency=args.concurrency,
                    warmup_seconds=4.0,
                    duration_seconds=args.seconds + 4.0,
                )
                failures: list[BaseException] = []

                def drive() -> None:
                    try:
                        run_load(spec, workdir, expect="201")
                    # Reported below: samples of failing requests would mislead.
                    except BaseException as error:
                        failures.append(error)

                load = threading.Thread(target=drive)
                load.start()
                # Sampled after the warm-up, as the benchmark measures: the first requests of
                # each shape build its skeletons, a cost paid once.
                time.sleep(spec.warmup_seconds)
                raw = workdir / "profile.txt"
                subprocess.run(
                    [
                        py_spy,
                        "record",
                        "--pid",
                        str(app.pid),
                        "--duration",
                        str(int(args.seconds)),
                        "--rate",
                        "250",
                        # Only the thread holding the GIL: what keeps the interpreter busy,
                        # not threads parked in a lock or a driver's wait.
                        "--gil",
                        "--format",
                        "raw",
                        "--output",
                        str(raw),
                    ],
                    check=True,
                    capture_output=True,
                )
                load.join()
                if failures:
                    failed = "the load failed, so the profile is of errors"
                    raise RuntimeError(failed) from failures[0]
                collapsed = raw.read_text()
    if args.output:
        args.output.write_text(collapsed)
    print(summarise(collapsed, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
