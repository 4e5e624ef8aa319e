"""A composed decline ready to store: its id, its document, the columns the log filters on, its
follow-ups as things to do and its decline.created event. Single creates, batches and
closeouts all make their declines here, so what they store cannot differ."""

from datetime import datetime

from app import follow_through, ids, metrics
from app.compose.decline import Fields, compose_fields
from app.compose.environment import template_version
from app.schemas import DeclineRequest, decline_document
from app.store.declines import NewDecline
from app.store.events import EVENT_PREFIX


def new_decline(request: DeclineRequest, *, now: datetime, tenant_id: str) -> NewDecline:
    return composed_decline(request, now=now, tenant_id=tenant_id)[0]


def composed_decline(
    request: DeclineRequest,
    *,
    now: datetime,
    tenant_id: str,
    closeout_id: str | None = None,
    accepted_company: str | None = None,
) -> tuple[NewDecline, list[Fields]]:
    """The decline to store, and its advice as plain data (for a closeout's guidance)."""
    decline_id = ids.new_id(now)
    created_at = ids.created_at(decline_id)
    with metrics.COMPOSITION.time():
        messages, guidance = compose_fields(request, now=now, accepted_company=accepted_company)
    follow_ups: list[follow_through.NewFollowUp] = []
    if "follow_ups" in messages:
        composed = messages["follow_ups"]
        assert isinstance(composed, list)
        messages["follow_ups"], follow_ups = follow_through.schedule(request, composed, created_at)
    document = decline_document(
        id=decline_id,
        created_at=created_at,
        request=request,
        messages=messages,
        guidance=guidance,
        template_version=template_version(),
        closeout_id=closeout_id,
    )
    decline = NewDecline(
        id=decline_id,
        tenant_id=tenant_id,
        created_at=created_at,
        stage=request.stage.value,
        reason=request.reason.category.value,
        company=request.company,
        search_fields=(
            request.role,
            request.company,
            request.recipient.name if request.recipient else None,
            request.candidate.name,
        ),
        document=document,
        closeout_id=closeout_id,
        follow_ups=tuple(follow_ups),
        event_id=ids.new_id(created_at, EVENT_PREFIX),
    )
    return decline, guidance
