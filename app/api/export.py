"""The log in bulk: every matching decline as CSV or NDJSON; counts by reason, stage or month."""

import logging
from collections.abc import AsyncIterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse
from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from app import export
from app.api import examples
from app.api.auth import AuthenticatedRoute, PrincipalDep
from app.api.deps import EngineDep
from app.api.filters import LogFiltersDep
from app.config import Settings
from app.schemas import ReasonCategory, Stage
from app.schemas_scale import Stats, StatsBucket
from app.store import export as export_store
from app.text import Rfc3339

router = APIRouter(
    tags=["declines"], responses=examples.AUTH_ERRORS, route_class=AuthenticatedRoute
)
logger = logging.getLogger("gracious")


class ExportResponse(StreamingResponse):
    """A download the client may abandon halfway: that ends it quietly, not as a server error."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            # Stopping here closes the page generator: no further page is read.
            logger.info("export ended early: the client disconnected")


MEDIA_TYPES = {"csv": "text/csv; charset=utf-8; header=present", "ndjson": "application/x-ndjson"}


@router.get(
    "/v1/declines/export",
    operation_id="exportDeclines",
    response_class=ExportResponse,
    responses={
        200: {
            "description": "Every matching decline, newest first, one row or line each",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/x-ndjson": {"schema": {"type": "string"}},
            },
        },
        **examples.invalid(["query", "format"], "Input should be 'csv' or 'ndjson'"),
        **examples.UNAVAILABLE,
    },
)
async def export_declines(
    request: Request,
    engine: EngineDep,
    filters: LogFiltersDep,
    format: Annotated[Literal["csv", "ndjson"], Query(description="The file format")] = "csv",
) -> ExportResponse:
    """Every decline the log's filters match, streamed: CSV (RFC 4180, UTF-8) or NDJSON."""

    settings: Settings = request.app.state.settings
    pages = export_store.export_pages(engine, filters, page_rows=settings.export_page_rows)
    # The first page is read before the response starts, so that a database that is down is
    # a clean 503, not a download cut off after its headers.
    first = await anext(pages, None)

    async def body() -> AsyncIterator[str]:
        if format == "csv":
            yield export.csv_header()
        if first is None:
            return
        yield _lines(first)
        async for rows in pages:
            yield _lines(rows)

    def _lines(rows: list[export_store.ExportRow]) -> str:
        return export.csv_lines(rows) if format == "csv" else export.ndjson_lines(rows)

    headers = {"Content-Disposition": f'attachment; filename="declines.{format}"'}
    return ExportResponse(body(), media_type=MEDIA_TYPES[format], headers=headers)


@router.get(
    "/v1/stats",
    response_model=Stats,
    operation_id="getStats",
    tags=["stats"],
    responses={**examples.invalid(["query", "group_by"], "Field required"), **examples.UNAVAILABLE},
)
async def get_stats(
    engine: EngineDep,
    principal: PrincipalDep,
    group_by: Annotated[Literal["reason", "stage", "month"], Query(description="What to count by")],
    created_after: Annotated[Rfc3339 | None, Query(description="RFC 3339")] = None,
    created_before: Annotated[Rfc3339 | None, Query(description="RFC 3339")] = None,
) -> Stats:
    """Counts of the caller's declines by reason, stage or month (UTC), computed in the database."""
    counts = await export_store.counts(
        engine,
        tenant_id=principal.tenant_id,
        group_by=group_by,
        created_after=created_after,
        created_before=created_before,
    )
    by_key = dict(counts)
    if group_by != "month":
        # Every reason or stage, in the taxonomy's order, the ones with no declines as 0.
        keys = [item.value for item in (ReasonCategory if group_by == "reason" else Stage)]
        by_key = {key: by_key.get(key, 0) for key in keys}
    return Stats(
        group_by=group_by,
        created_after=created_after,
        created_before=created_before,
        total=sum(by_key.values()),
        items=[StatsBucket(key=key, count=count) for key, count in by_key.items()],
    )
