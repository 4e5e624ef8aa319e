"""The log read in bulk: every matching decline page by page, and counts grouped in SQL.

Export pages are keyset-paginated on the id, each read on a connection of its own that is
given back before the page is sent, so an export holds no connection or transaction while
the client reads, and memory stays at one page however many rows match. The columns come out
of the stored JSON in the database (json on PostgreSQL, json_extract on SQLite), so a page
carries a few hundred bytes a row, not the whole document.
"""

import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Select, Table, cast, func, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from app.models import DeclineRow
from app.store.declines import LogQuery, log_conditions

_table: Table = DeclineRow.__table__  # type: ignore[assignment]
GroupBy = Literal["reason", "stage", "month"]


@dataclass(frozen=True, slots=True)
class ExportRow:
    id: str
    stage: str
    reason: str
    company: str
    role: str
    recipient: str | None
    candidate: str
    tone: str
    locale: str
    channels: list[str]
    template_version: str
    closeout_id: str | None


# Where each column sits in a stored Decline, in ExportRow's order after the table's columns.
_PATHS = (
    ("request", "role"),
    ("request", "recipient", "name"),
    ("request", "candidate", "name"),
    ("request", "tone"),
    ("request", "locale"),
    ("request", "channels"),
    ("template_version",),
)
_BASE = ("id", "stage", "reason", "company")


def _page(engine: AsyncEngine, conditions: Sequence[ColumnElement[bool]], rows: int) -> Select[Any]:
    """One page's statement; each row's document is parsed once, by the database."""
    c = _table.c
    base = [c[name] for name in _BASE]
    if engine.dialect.name == "postgresql":
        # The LIMIT keeps PostgreSQL from inlining the subquery, which would parse the
        # document again for every column taken from it.
        inner = (
            select(*base, c.closeout_id, cast(c.document, JSONB).label("document"))
            .where(*conditions)
            .order_by(c.id.desc())
            .limit(rows)
            .subquery()
        )
        document = inner.c.document
        picked = [
            document[path] if path[-1] == "channels" else document[path].astext for path in _PATHS
        ]
        return select(*(inner.c[name] for name in _BASE), *picked, inner.c.closeout_id).order_by(
            inner.c.id.desc()
        )
    # SQLite: json_extract with several paths reads the text once and returns a JSON array.
    paths = ["$." + ".".join(path) for path in _PATHS]
    return (
        select(*base, func.json_extract(c.document, *paths), c.closeout_id)
        .where(*conditions)
        .order_by(c.id.desc())
        .limit(rows)
    )


def _row(engine: AsyncEngine, row: Sequence[Any]) -> ExportRow:
    values = list(row)
    if engine.dialect.name != "postgresql":
        values[len(_BASE) : len(_BASE) + 1] = json.loads(values[len(_BASE)])
    return ExportRow(*values)


async def export_pages(
    engine: AsyncEngine, query: LogQuery, *, page_rows: int
) -> AsyncIterator[list[ExportRow]]:
    """Every decline the log query matches (its limit and cursor aside), newest first."""
    conditions = log_conditions(query)
    last_id: str | None = None
    while True:
        page_conditions = list(conditions)
        if last_id is not None:
            page_conditions.append(_table.c.id < last_id)
        statement = _page(engine, page_conditions, page_rows)
        async with engine.connect() as connection:
            rows = (await connection.execute(statement)).all()
        if not rows:
            return
        yield [_row(engine, row) for row in rows]
        if len(rows) < page_rows:
            return
        last_id = rows[-1][0]


def _group_key(dialect: str, group_by: GroupBy) -> ColumnElement[Any]:
    c = _table.c
    if group_by == "reason":
        return c.reason
    if group_by == "stage":
        return c.stage
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", c.created_at), "YYYY-MM")
    return func.strftime("%Y-%m", c.created_at)  # SQLite keeps UTC as offset-less text


def counts_statement(
    dialect: str,
    *,
    tenant_id: str,
    group_by: GroupBy,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> Select[Any]:
    """(key, count) of the tenant's declines in the time range, by key, for `dialect`."""
    c = _table.c
    key = _group_key(dialect, group_by).label("key")
    conditions: list[ColumnElement[bool]] = [c.tenant_id == tenant_id]
    if created_after:
        conditions.append(c.created_at > created_after.astimezone(UTC))
    if created_before:
        conditions.append(c.created_at < created_before.astimezone(UTC))
    return select(key, func.count()).where(*conditions).group_by(key).order_by(key)


async def counts(
    engine: AsyncEngine,
    *,
    tenant_id: str,
    group_by: GroupBy,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
) -> list[tuple[str, int]]:
    """Counted by the database from the (tenant_id, created_at, reason, stage) index alone
    (scripts/bench records the plans)."""
    statement = counts_statement(
        engine.dialect.name,
        tenant_id=tenant_id,
        group_by=group_by,
        created_after=created_after,
        created_before=created_before,
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [(str(row[0]), int(row[1])) for row in rows]
