"""`python -m scripts.bench`: measure Gracious on PostgreSQL and SQLite and print the ratios.

Every size has a flag and an environment variable (BENCH_*); `--quick` picks sizes that finish
in a few minutes. The PostgreSQL server comes from BENCH_DATABASE_URL or TEST_DATABASE_URL
(default postgresql+asyncpg://postgres@127.0.0.1:5432/test); a database is created on it for
each measurement and dropped afterwards. Exit status 1 when a target is missed.
"""

import argparse
import os
import shlex
import sys
import tempfile
from dataclasses import fields, replace
from pathlib import Path

from scripts.bench import follow_through, report, scale, scenarios
from scripts.bench.scenarios import BenchConfig, Figures

QUICK = BenchConfig(
    rounds=2,
    warmup_seconds=2.0,
    duration_seconds=6.0,
    large_rows=50_000,
    log_duration_seconds=4.0,
    memory_requests=10_000,
)
DOC_START = "<!-- bench:start -->"
DOC_END = "<!-- bench:end -->"


def _env_default(name: str, default: object) -> object:
    raw = os.environ.get(f"BENCH_{name.upper()}")
    if raw is None:
        return default
    if isinstance(default, tuple):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        return int(raw.replace("_", ""))
    if isinstance(default, float):
        return float(raw)
    return raw


def parse(argv: list[str]) -> tuple[BenchConfig, argparse.Namespace]:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", default=bool(os.environ.get("BENCH_QUICK")))
    parser.add_argument("--update-doc", type=Path, help="rewrite the results section of this file")
    base = BenchConfig()
    for item in fields(BenchConfig):
        if item.name == "workdir":
            continue
        default = getattr(base, item.name)
        kind = str if isinstance(default, tuple) else type(default)
        parser.add_argument(f"--{item.name.replace('_', '-')}", type=kind, default=None)
    args = parser.parse_args(argv)
    config = QUICK if args.quick else base
    overrides: dict[str, object] = {}
    for item in fields(BenchConfig):
        if item.name == "workdir":
            continue
        value = getattr(args, item.name)
        default = getattr(config, item.name)
        if value is None:
            value = _env_default(item.name, default)
        elif isinstance(default, tuple):
            value = tuple(part.strip() for part in str(value).split(",") if part.strip())
        overrides[item.name] = value
    return replace(config, **overrides), args  # type: ignore[arg-type]


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(config: BenchConfig) -> tuple[list[Figures], list[follow_through.Measured]]:
    results = []
    measured: list[follow_through.Measured] = []
    with tempfile.TemporaryDirectory(prefix="gracious-bench-") as folder:
        workdir = Path(folder)
        for kind in config.databases:
            if "outbox" in config.parts:
                say(f"{kind}: outbox")
                measured.append(follow_through.measure_outbox(kind, config, workdir, say))
            if "delivery" in config.parts and kind == "postgresql":
                say(f"{kind}: event to receiver")
                measured.append(follow_through.measure_delivery(kind, config, workdir, say))
            if "due" in config.parts:
                say(f"{kind}: due follow-ups at scale")
                measured.append(follow_through.measure_due_list(kind, config, workdir, say))
            figures = Figures(database=kind)
            if "write" in config.parts:
                say(f"{kind}: write path")
                scenarios.measure_write(kind, config, workdir, figures, say)
            if "log" in config.parts:
                say(f"{kind}: log at scale")
                scenarios.measure_log(kind, config, workdir, figures, say)
            if "memory" in config.parts:
                say(f"{kind}: memory")
                scenarios.measure_memory(kind, config, workdir, figures, say)
            if "bulk" in config.parts:
                say(f"{kind}: batches and closeouts")
                scale.measure_bulk(kind, config, workdir, figures.scale, say)
            if "export" in config.parts:
                say(f"{kind}: export and stats at scale")
                scale.measure_export_and_stats(kind, config, workdir, figures.scale, say)
            results.append(figures)
    return results, measured


def render(
    config: BenchConfig,
    results: list[Figures],
    command: str,
    measured: list[follow_through.Measured] | None = None,
) -> tuple[str, bool]:
    rows = report.rows(
        config.large_rows,
        config.small_rows,
        config.memory_requests,
        config.memory_baseline_requests,
        config.concurrency,
    )
    table, all_met = report.table(results, rows)
    text = "\n".join(
        [
            f"- date: {report.now()}",
            f"- machine: {report.machine()}",
            f"- command: `{command}`",
            f"- rounds: {config.rounds} × {config.duration_seconds:g} s per side (write), "
            f"{config.log_duration_seconds:g} s at {config.log_concurrency} connections (log)",
            "",
            table,
            "",
            "Absolute numbers behind the ratios (machine-dependent):",
            "",
            report.context(results),
        ]
    )
    if measured:
        text += "\n\nFollow-through (follow-ups, the outbox, webhooks):\n\n"
        text += follow_through.table(measured)
        all_met = all_met and all(item.met for item in measured)
    return text, all_met


def update_doc(path: Path, section: str) -> None:
    text = path.read_text() if path.exists() else f"{DOC_START}\n{DOC_END}\n"
    if DOC_START not in text or DOC_END not in text:
        text += f"\n{DOC_START}\n{DOC_END}\n"
    head, rest = text.split(DOC_START, 1)
    _, tail = rest.split(DOC_END, 1)
    path.write_text(f"{head}{DOC_START}\n{section}\n{DOC_END}{tail}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    config, args = parse(argv)
    command = os.environ.get("BENCH_COMMAND") or shlex.join(
        ["python", "-m", "scripts.bench", *argv]
    )
    say(f"benchmark: {config}")
    results, measured = run(config)
    section, all_met = render(config, results, command, measured)
    print(section)
    if args.update_doc:
        update_doc(args.update_doc, section)
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
