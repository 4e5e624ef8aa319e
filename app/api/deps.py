"""Typed dependencies shared by the routers."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from app.errors import UnsupportedMediaType

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


# Dependencies are coroutines even where they never await: FastAPI runs plain functions in a
# worker thread, and three thread hops per request showed up in the write path's profile.


async def get_clock(request: Request) -> Clock:
    """The application's clock (create_app's `clock`): the one every route reads the time from,
    on every path, so pinning it in a test changes nothing else."""
    clock: Clock = request.app.state.clock
    return clock


async def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


async def require_json(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise UnsupportedMediaType(
            "Send the body as JSON with the header Content-Type: application/json."
        )


ClockDep = Annotated[Clock, Depends(get_clock)]
EngineDep = Annotated[AsyncEngine, Depends(get_engine)]
