"""The log's filters, shared by the log, its export and nothing else."""

from typing import Annotated

from fastapi import Depends, Query

from app.api.auth import PrincipalDep
from app.errors import InvalidInput
from app.schemas import ReasonCategory, Stage
from app.store.declines import LogQuery
from app.text import TEXT_PATTERN, Rfc3339, clean_line


def _filter_text(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    try:
        cleaned = clean_line(value)
    except ValueError as error:  # PydanticCustomError: control characters, lone surrogates
        raise InvalidInput(f"Invalid {name}: {error}", loc=["query", name]) from None
    if not isinstance(cleaned, str) or not cleaned:
        raise InvalidInput(f"Invalid {name}: must be non-empty text", loc=["query", name])
    return cleaned


async def log_filters(
    principal: PrincipalDep,
    stage: Stage | None = None,
    reason: Annotated[ReasonCategory | None, Query(description="Reason category")] = None,
    company: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Case-insensitive exact match",
            json_schema_extra={"pattern": TEXT_PATTERN},
        ),
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description="Substring of role, company, recipient or candidate",
            json_schema_extra={"pattern": TEXT_PATTERN},
        ),
    ] = None,
    created_after: Annotated[Rfc3339 | None, Query(description="RFC 3339")] = None,
    created_before: Annotated[Rfc3339 | None, Query(description="RFC 3339")] = None,
    closeout_id: Annotated[
        str | None, Query(max_length=30, description="Only the declines of this offer closeout")
    ] = None,
) -> LogQuery:
    """The caller's log, filtered (a query without limit or cursor)."""
    return LogQuery(
        tenant_id=principal.tenant_id,
        stage=stage.value if stage else None,
        reason=reason.value if reason else None,
        company=_filter_text(company, "company"),
        q=_filter_text(q, "q"),
        created_after=created_after,
        created_before=created_before,
        closeout_id=closeout_id,
    )


LogFiltersDep = Annotated[LogQuery, Depends(log_filters)]
