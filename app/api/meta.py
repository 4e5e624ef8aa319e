"""The reason taxonomy and the health probes."""

import asyncio

from fastapi import APIRouter, Request

from app.api import examples
from app.api.auth import PrincipalDep
from app.api.deps import EngineDep
from app.config import Settings
from app.ratelimit import Counters
from app.reasons import REASONS
from app.schemas import Health, Readiness, ReasonList
from app.store import declines as repository

router = APIRouter()


@router.get(
    "/v1/reasons",
    response_model=ReasonList,
    operation_id="listReasons",
    tags=["reasons"],
    responses=examples.AUTH_ERRORS,
)
async def list_reasons(_principal: PrincipalDep) -> ReasonList:
    """The reason taxonomy, with labels and ATS mappings."""
    return ReasonList(items=REASONS)


@router.get("/healthz", response_model=Health, operation_id="healthz", tags=["health"])
async def healthz() -> dict[str, str]:
    """Liveness: the process is up."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    response_model=Readiness,
    operation_id="readyz",
    tags=["health"],
    responses={**examples.UNAVAILABLE},
)
async def readyz(request: Request, engine: EngineDep) -> dict[str, str]:
    """Readiness: the database answers; `rate_limits` says whether Redis does."""
    settings: Settings = request.app.state.settings
    # A failure or the timeout reaches the shared database-down handler: 503 + Retry-After.
    async with asyncio.timeout(settings.db_timeout_seconds):
        await repository.ping(engine)
    counters: Counters = request.app.state.counters
    if not counters.shared:
        return {"status": "ready"}
    # Fails closed: raises RateLimitsDown, a 503. Fails open: ready, and says Redis is down.
    if await counters.ping():
        return {"status": "ready", "rate_limits": "ok"}
    return {"status": "ready", "rate_limits": "unavailable: requests are not limited"}
