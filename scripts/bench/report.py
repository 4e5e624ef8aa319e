"""The results table: every figure a ratio against a baseline measured in the same run."""

import math
import os
import platform
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from scripts.bench.scale import BATCH_SIZE, CLOSEOUT_SIZE, STATS_GROUPS
from scripts.bench.scenarios import Figures, median

MIB = 2**20


@dataclass(frozen=True)
class Row:
    measure: str
    target: str
    value: Callable[[Figures], float]
    passes: Callable[[float], bool]
    digits: int = 2


def _write_ratio(figures: Figures) -> float:
    app = median([result.throughput for result in figures.write_app])
    ceiling = median([result.throughput for result in figures.write_ceiling])
    return app / ceiling if ceiling else math.nan


def _tail_ratio(figures: Figures) -> float:
    p50 = median([result.p50_ms for result in figures.write_app])
    p99 = median([result.p99_ms for result in figures.write_app])
    return p99 / p50 if p50 else math.nan


def _log_ratio(name: str) -> Callable[[Figures], float]:
    def ratio(figures: Figures) -> float:
        small = median([result.throughput for result in figures.log_small.get(name, [])])
        large = median([result.throughput for result in figures.log_large.get(name, [])])
        # time per request with the large log ÷ with the small one
        return small / large if large else math.nan

    return ratio


def _rss_ratio(figures: Figures) -> float:
    return figures.rss_final / figures.rss_baseline if figures.rss_baseline else math.nan


def _rss_mib(figures: Figures) -> float:
    return figures.rss_final / MIB if figures.rss_final else math.nan


def _batch_ratio(figures: Figures) -> float:
    """Time per decline in a batch of 100 ÷ a single POST's, both with the server saturated."""
    single = median([result.throughput for result in figures.scale.batch_single])
    batch = median([result.throughput for result in figures.scale.batch_batch]) * BATCH_SIZE
    return single / batch if batch else math.nan


def _closeout_ratio(figures: Figures) -> float:
    p99 = median([result.p99_ms for result in figures.scale.closeout_closeout])
    p50 = median([result.p50_ms for result in figures.scale.closeout_single])
    return p99 / p50 if p50 else math.nan


def _export_rss_ratio(figures: Figures) -> float:
    scale = figures.scale
    return scale.rss_peak / scale.rss_idle if scale.rss_idle else math.nan


def _export_rate(figures: Figures) -> float:
    scale = figures.scale
    return scale.export_rows / scale.export_seconds if scale.export_seconds else math.nan


def _stats_ratio(group: str) -> Callable[[Figures], float]:
    def ratio(figures: Figures) -> float:
        small = median([r.throughput for r in figures.scale.stats_small.get(group, [])])
        large = median([r.throughput for r in figures.scale.stats_large.get(group, [])])
        return small / large if large else math.nan

    return ratio


def _recorded(_value: float) -> bool:
    return True


def scale_rows(large: int, small: int) -> list[Row]:
    return [
        Row(
            f"batch: time per decline in a batch of {BATCH_SIZE} ÷ a single POST's",
            "≤ 0.35",
            _batch_ratio,
            lambda value: value <= 0.35,
        ),
        Row(
            f"closeout of {CLOSEOUT_SIZE}: p99 ÷ a single POST's p50",
            f"≤ {CLOSEOUT_SIZE}",
            _closeout_ratio,
            lambda value: value <= CLOSEOUT_SIZE,
        ),
        Row(
            f"export of {large:,}: peak RSS ÷ idle RSS",
            "≤ 1.2",
            _export_rss_ratio,
            lambda value: value <= 1.2,
        ),
        Row(f"export of {large:,}: rows per second", "recorded", _export_rate, _recorded, 0),
        *(
            Row(
                f"stats by {group}: time per request, {large:,} ÷ {small:,} stored",
                "recorded",
                _stats_ratio(group),
                _recorded,
                0,
            )
            for group in STATS_GROUPS
        ),
    ]


def rows(large: int, small: int, memory: int, baseline: int, concurrency: int) -> list[Row]:
    scale = f"{large:,} ÷ {small:,} stored"
    return [
        Row(
            f"write: POST /v1/declines ÷ ceiling, throughput at {concurrency} connections",
            "≥ 0.70",
            _write_ratio,
            lambda value: value >= 0.70,
        ),
        Row("write: p99 ÷ p50 latency", "< 10", _tail_ratio, lambda value: value < 10),
        Row(f"log: newest page, {scale}", "≤ 1.5", _log_ratio("newest"), lambda v: v <= 1.5),
        Row(f"log: company filter, {scale}", "≤ 1.5", _log_ratio("company"), lambda v: v <= 1.5),
        Row(f"log: page 50 by cursor, {scale}", "≤ 1.5", _log_ratio("deep"), lambda v: v <= 1.5),
        Row(
            f"memory: RSS after {memory:,} ÷ after {baseline:,} requests",
            "≤ 1.2",
            _rss_ratio,
            lambda value: value <= 1.2,
        ),
        Row(
            f"memory: RSS after {memory:,} requests, MiB",
            "< 200",
            _rss_mib,
            lambda value: value < 200,
            digits=0,
        ),
        *scale_rows(large, small),
    ]


def _cell(row: Row, figures: Figures) -> tuple[str, bool | None]:
    value = row.value(figures)
    if math.isnan(value):
        return "—", None
    passed = row.passes(value)
    return f"{value:.{row.digits}f} {'✓' if passed else '✗'}", passed


def table(results: list[Figures], table_rows: list[Row]) -> tuple[str, bool]:
    """A Markdown table, and whether every measured figure met its target."""
    names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
    header = [
        "measure",
        "target",
        *(names.get(figures.database, figures.database) for figures in results),
    ]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    all_met = True
    for row in table_rows:
        cells = []
        for figures in results:
            text, passed = _cell(row, figures)
            all_met = all_met and passed is not False
            cells.append(text)
        lines.append("| " + " | ".join([row.measure, row.target, *cells]) + " |")
    return "\n".join(lines), all_met


def context(results: list[Figures]) -> str:
    """The absolute numbers behind the ratios (they vary with the machine; ratios should not)."""
    lines = []
    for figures in results:
        parts = [f"{figures.database}:"]
        if figures.write_app:
            app = median([result.throughput for result in figures.write_app])
            ceiling = median([result.throughput for result in figures.write_ceiling])
            p50 = median([result.p50_ms for result in figures.write_app])
            p99 = median([result.p99_ms for result in figures.write_app])
            failures = sum(
                count
                for result in figures.write_app
                for status, count in result.statuses.items()
                if status != "201"
            ) + sum(result.errors for result in figures.write_app)
            paired = ", ".join(
                f"{mine.throughput / theirs.throughput:.2f}"
                for mine, theirs in zip(figures.write_app, figures.write_ceiling, strict=False)
            )
            parts.append(
                f"write {app:.0f}/s vs ceiling {ceiling:.0f}/s (round by round {paired}), "
                f"p50 {p50:.0f} ms, p99 {p99:.0f} ms, "
                f"document {figures.document_bytes:,} B (the ceiling's: "
                f"{figures.ceiling_document}), non-201 answers {failures};"
            )
        for name in figures.log_small:
            small = median([result.p50_ms for result in figures.log_small[name]])
            large = median([result.p50_ms for result in figures.log_large.get(name, [])])
            parts.append(f"log {name} p50 {small:.1f} → {large:.1f} ms;")
        if figures.rss_final:
            parts.append(
                f"RSS {figures.rss_baseline / MIB:.1f} → {figures.rss_final / MIB:.1f} MiB, "
                f"answers {dict(sorted(figures.memory_statuses.items()))}"
            )
        parts.extend(_scale_context(figures))
        lines.append("- " + " ".join(parts))
    return "\n".join(lines)


def _scale_context(figures: Figures) -> list[str]:
    scale = figures.scale
    parts = []
    if scale.batch_batch:
        single = median([r.throughput for r in scale.batch_single])
        batch = median([r.throughput for r in scale.batch_batch])
        parts.append(
            f"single POSTs {single:.0f}/s vs batches {batch:.1f}/s = {batch * BATCH_SIZE:.0f} "
            f"declines/s (batch p50 {median([r.p50_ms for r in scale.batch_batch]):.0f} ms);"
        )
    if scale.closeout_closeout:
        parts.append(
            f"closeout p50 {median([r.p50_ms for r in scale.closeout_closeout]):.0f} ms, "
            f"p99 {median([r.p99_ms for r in scale.closeout_closeout]):.0f} ms vs single POST "
            f"p50 {median([r.p50_ms for r in scale.closeout_single]):.1f} ms (one connection);"
        )
    if scale.export_seconds:
        parts.append(
            f"export {scale.export_rows:,} rows, {scale.export_bytes / MIB:.0f} MiB in "
            f"{scale.export_seconds:.1f} s, RSS idle {scale.rss_idle / MIB:.1f} → peak "
            f"{scale.rss_peak / MIB:.1f} MiB;"
        )
    for group in scale.stats_small:
        small = median([r.p50_ms for r in scale.stats_small[group]])
        large = median([r.p50_ms for r in scale.stats_large.get(group, [])])
        parts.append(f"stats {group} p50 {small:.1f} → {large:.1f} ms;")
    for group, plan in scale.stats_plans.items():
        parts.append(f"plan of stats by {group} (large): `{plan}`;")
    return parts


def machine() -> str:
    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} × {cpu}, {memory:.0f} GiB RAM, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
