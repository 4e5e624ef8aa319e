"""Event bodies as JSON text, exactly as they are served and delivered."""

from collections.abc import Sequence
from datetime import datetime

from pydantic_core import to_json
from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models import DeclineRow

_declines: Table = DeclineRow.__table__  # type: ignore[assignment]


def body(event_id: str, event_type: str, created_at: datetime, data: str) -> str:
    head = to_json({"id": event_id, "type": event_type, "created_at": created_at}).decode()
    return head[:-1] + ',"data":' + data + "}"


async def documents(
    connection: AsyncConnection, decline_ids: Sequence[str | None]
) -> dict[str, str]:
    """The stored documents of these declines: decline.created keeps no copy of its own."""
    wanted = sorted({decline_id for decline_id in decline_ids if decline_id})
    if not wanted:
        return {}
    rows = await connection.execute(
        select(_declines.c.id, _declines.c.document).where(_declines.c.id.in_(wanted))
    )
    return {row.id: row.document for row in rows}
