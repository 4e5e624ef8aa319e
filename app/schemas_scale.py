"""Request and response bodies of the platform endpoints: batches, offer closeouts, stats,
and the tenant and key admin API (see "Platforms at scale" in the API contract)."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StrictBool, StringConstraints, field_validator

from app.schemas import (
    ALL_CHANNELS,
    SUPPORTED_LOCALES,
    Candidate,
    Channel,
    Decline,
    DeclineRequest,
    Guidance,
    PreferredRole,
    Recipient,
    Referral,
    Relationship,
    Stage,
    Strict,
    Tone,
    supported_locale,
)
from app.text import Line120, Line200, Rfc3339

MAX_BATCH = 100
MAX_APPLICATIONS = 50


class DeclineBatch(Strict):
    items: list[DeclineRequest] = Field(min_length=1, max_length=MAX_BATCH)


class DeclineBatchResult(BaseModel):
    items: list[Decline]


class Accepted(Strict):
    company: Line200
    role: Line200 | None = None


class Application(Strict):
    """One other open application, declined because another offer was accepted."""

    stage: Stage
    role: Line200
    company: Line200
    recipient: Recipient | None = None
    preferred_role: PreferredRole | None = None
    referral: Referral | None = None
    relationship: Relationship = Field(default_factory=Relationship)
    interview_at: Rfc3339 | None = Field(
        default=None, description="RFC 3339 date-time with an offset."
    )


class CloseoutRequest(Strict):
    candidate: Candidate
    tone: Tone = Tone.warm
    locale: str = Field(
        default="en", max_length=35, json_schema_extra={"enum": list(SUPPORTED_LOCALES)}
    )
    channels: list[Channel] = Field(default_factory=lambda: list(ALL_CHANNELS), max_length=8)
    accepted: Accepted | None = Field(
        default=None, description="The offer accepted; named in messages only if mention_accepted."
    )
    mention_accepted: StrictBool = Field(
        default=False,
        description="Name the accepted employer in the emails; otherwise nothing hints at it.",
    )
    applications: list[Application] = Field(min_length=1, max_length=MAX_APPLICATIONS)

    @field_validator("locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        return supported_locale(value)


class CloseoutGuidance(Guidance):
    decline_id: str = Field(description="The decline this advice is about.")


class Closeout(BaseModel):
    id: str = Field(description="Prefixed `clo_`.")
    created_at: datetime
    declines: list[Decline]
    guidance: list[CloseoutGuidance] = Field(
        description="What to do, in order: imminent interviews first (call those), then offers,"
        " then the rest."
    )


class StatsBucket(BaseModel):
    key: str = Field(description="The reason, the stage, or the month (YYYY-MM, UTC).")
    count: int


class Stats(BaseModel):
    group_by: Literal["reason", "stage", "month"]
    created_after: datetime | None
    created_before: datetime | None
    total: int
    items: list[StatsBucket]


TenantId = Annotated[
    str, StringConstraints(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_-]+$")
]


class TenantCreate(Strict):
    id: TenantId | None = Field(default=None, description="Default: a new `ten_…` id.")
    name: Line120


class TenantOut(BaseModel):
    id: str
    name: str
    created_at: datetime


class TenantList(BaseModel):
    items: list[TenantOut]


class KeyOut(BaseModel):
    id: str
    tenant_id: str
    hint: str = Field(description="The first characters of the secret, to tell keys apart.")
    created_at: datetime
    revoked_at: datetime | None


class NewKey(KeyOut):
    secret: str = Field(description="The key itself: shown only in this response.")


class KeyList(BaseModel):
    items: list[KeyOut]
