"""Bodies of the follow-up, webhook-endpoint and event resources (Pydantic)."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from annotated_types import Len
from pydantic import BaseModel, Field, StrictBool
from pydantic.json_schema import SkipJsonSchema

from app.schemas import FollowUpKind, FollowUpStatus, Strict
from app.text import Line300, Line500, Rfc3339


class EventType(StrEnum):
    decline_created = "decline.created"
    decline_deleted = "decline.deleted"
    follow_up_due = "follow_up.due"
    follow_up_updated = "follow_up.updated"


class StoredFollowUp(BaseModel):
    id: str = Field(description="`fup_…`")
    decline_id: str
    kind: FollowUpKind
    send_after_days: int
    subject: str
    text: str
    due_at: datetime = Field(description="09:00 in the candidate's time zone, in UTC")
    status: FollowUpStatus
    updated_at: datetime


class FollowUpPage(BaseModel):
    items: list[StoredFollowUp]
    next_cursor: str | None


class FollowUpChange(Strict):
    """Either or both; an empty change changes nothing (as on Stripe)."""

    due_at: Rfc3339 | SkipJsonSchema[None] = Field(
        default=None, description="Reschedule (RFC 3339)."
    )
    status: Literal["scheduled", "sent", "skipped"] | SkipJsonSchema[None] = None


class FollowUpRefresh(Strict):
    company_news: Line300 | None = None
    common_ground: Line300 | None = None


# Len, not Field(min_length=...): a Field's constraints would apply to the None of an
# optional field too.
EventSelection = Annotated[list[EventType | Literal["*"]], Len(1, 10)]


HTTPS_URL = "^https://"


class EndpointCreate(Strict):
    # The pattern is what production accepts; WEBHOOK_ALLOW_PRIVATE_NETWORKS also lets http
    # through, so the check itself is the service's (app.ssrf.check_url), not the schema's.
    url: str = Field(
        max_length=2000,
        description="https, on a public address",
        json_schema_extra={"pattern": HTTPS_URL},
    )
    events: EventSelection
    description: Line500 | None = None


class EndpointChange(Strict):
    # Absent means unchanged; only the description may be cleared with null.
    url: Annotated[str, Len(0, 2000)] | SkipJsonSchema[None] = Field(
        default=None, json_schema_extra={"pattern": HTTPS_URL}
    )
    events: EventSelection | SkipJsonSchema[None] = None
    enabled: StrictBool | SkipJsonSchema[None] = None
    description: Line500 | None = None


class Endpoint(BaseModel):
    id: str = Field(description="`we_…`")
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    created_at: datetime
    updated_at: datetime


class EndpointWithSecret(Endpoint):
    secret: str = Field(description="`whsec_…`, shown only in this response")


class EndpointList(BaseModel):
    items: list[Endpoint]


class Attempt(BaseModel):
    event_id: str
    event_type: str
    attempt: int
    attempted_at: datetime
    response_status: int | None
    error: str | None
    duration_ms: int


class AttemptPage(BaseModel):
    items: list[Attempt]
    next_cursor: str | None


class Event(BaseModel):
    id: str = Field(description="`evt_…`; the webhook-id header of its deliveries")
    type: str = Field(description="decline.created, decline.deleted, follow_up.due, ...")
    created_at: datetime
    data: dict[str, Any]


class EventPage(BaseModel):
    items: list[Event]
    next_cursor: str | None


class Redelivery(BaseModel):
    event_id: str
    endpoints: int = Field(description="How many endpoints it was queued for")
