"""The API's request and response bodies (Pydantic), kept apart from the ORM models."""

import zoneinfo
from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError, to_json

from app.compose.wording import advice_table, reason_table
from app.text import Email, Line60, Line120, Line200, Line300, Line500, Phone, Rfc3339

SUPPORTED_LOCALES = ("en", "en-US", "en-GB", "en-CA", "en-AU", "en-IE", "en-NZ", "en-IN")


class Stage(StrEnum):
    interview = "interview"
    candidacy = "candidacy"
    offer = "offer"


# The reason taxonomy is the table in templates/reasons.yaml: a row there is a category here.
ReasonCategory = StrEnum(  # type: ignore[misc]
    "ReasonCategory", [(category, category) for category in reason_table()]
)


class Tone(StrEnum):
    warm = "warm"
    formal = "formal"
    brief = "brief"


class Channel(StrEnum):
    email = "email"
    phone_script = "phone_script"
    linkedin_note = "linkedin_note"
    follow_ups = "follow_ups"


class ReferralTiming(StrEnum):
    now = "now"
    later = "later"


class Strict(BaseModel):
    """Unknown fields are refused so that a typo never passes silently."""

    # A field with a default is optional in a request and always present in a response, so
    # the OpenAPI document describes the two apart (DeclineRequest and DeclineRequestOutput).
    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


class Candidate(Strict):
    name: Line120
    email: Email | None = None
    phone: Phone | None = None
    timezone: str | None = Field(
        default=None,
        max_length=64,
        description=(
            'IANA time zone ("America/New_York"): follow-ups come due at 09:00 there. Default:'
            " the offset of interview_at, else UTC."
        ),
        # A name of the tz database (which gains names over time), not a closed enum.
        pattern=r"^[A-Za-z0-9_+\-]+(/[A-Za-z0-9_+\-]+)*$",
        examples=["America/New_York"],
    )

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str | None) -> str | None:
        if value is not None and value not in _timezones():
            raise PydanticCustomError("unknown_timezone", "unknown IANA time zone name", {})
        return value


@cache
def _timezones() -> frozenset[str]:
    # The tz database's names, not whatever ZoneInfo would open: no paths, no files.
    return frozenset(zoneinfo.available_timezones())


class Recipient(Strict):
    name: Line120
    title: Line120 | None = None
    email: Email | None = None
    address_as: Line60 | None = Field(
        default=None,
        description=(
            'How the messages address them ("Jordan", "Dr Lee", "Ms Kim"); default: the first'
            " word of `name` (with a leading title such as Dr or Ms, the title and the last word)."
        ),
    )


class Reason(Strict):
    category: ReasonCategory
    detail: Line500 | None = Field(
        default=None,
        description="Used verbatim in the messages; never rewritten. A note or shorthand no"
        ' coach would send as typed ("Salary.", "tbh …") is left out of the messages, which'
        " give the category's own words; the `review_detail` guidance quotes it.",
    )


class PreferredRole(Strict):
    title: Line200
    note: Line200 | None = None


class Referral(Strict):
    name: Line120 | None = Field(
        default=None, description="Without a name the messages offer to recommend someone."
    )
    email: Email | None = None
    relationship: Line120 | None = None
    strengths: Line300 | None = None
    timing: ReferralTiming = ReferralTiming.now


class Relationship(Strict):
    # StrictBool: true and false only, not "yes", 1 or "on" (the schema says boolean).
    keep_in_touch: StrictBool = True
    linkedin_connected: StrictBool = False
    common_ground: Line300 | None = None
    company_news: Line300 | None = None


ALL_CHANNELS = [Channel.email, Channel.phone_script, Channel.linkedin_note, Channel.follow_ups]


def supported_locale(value: str) -> str:
    """The supported tag `value` names, in its canonical spelling; an error names the others."""
    by_lower = {tag.lower(): tag for tag in SUPPORTED_LOCALES}
    tag = by_lower.get(value.strip().replace("_", "-").lower())
    if tag is None:
        raise PydanticCustomError(
            "unsupported_locale",
            "unsupported locale; supported: {supported}",
            {"supported": ", ".join(SUPPORTED_LOCALES)},
        )
    return tag


class DeclineRequest(Strict):
    stage: Stage
    role: Line200
    company: Line200
    candidate: Candidate
    recipient: Recipient | None = None
    reason: Reason
    preferred_role: PreferredRole | None = None
    referral: Referral | None = None
    relationship: Relationship = Field(default_factory=Relationship)
    interview_at: Rfc3339 | None = Field(
        default=None, description="RFC 3339 date-time with an offset."
    )
    tone: Tone = Tone.warm
    locale: str = Field(
        default="en",
        max_length=35,
        description=(
            "BCP 47 language tag. en, en-US and en-CA get American dates and spelling"
            " ('Tuesday, December 1 at 3:00 PM', 'realized'); en-GB, en-IE, en-AU, en-NZ and"
            " en-IN get British ones ('Tuesday 1 December at 3:00 pm', 'realised'). The HTML"
            " email is marked with this tag."
        ),
        # The tags served today, so clients (and contract tests) know them; more may be added.
        json_schema_extra={"enum": list(SUPPORTED_LOCALES)},
    )
    channels: list[Channel] = Field(default_factory=lambda: list(ALL_CHANNELS), max_length=8)
    linkedin_limit: Literal[200, 300] = 200

    @field_validator("locale")
    @classmethod
    def _supported_locale(cls, value: str) -> str:
        return supported_locale(value)

    @field_validator("channels")
    @classmethod
    def _email_always(cls, value: list[Channel]) -> list[Channel]:
        # The email is the written record of every decline, so it is always composed.
        wanted = {Channel.email, *value}
        return [channel for channel in ALL_CHANNELS if channel in wanted]


class EmailVariant(BaseModel):
    subject: str
    text: str
    html: str


def _unrequested(value: object) -> bool:
    return value is None


# Channels that were not requested are absent, not null. A per-field rule rather than a model
# serializer keeps the whole document on pydantic-core's fast path.
Unrequested = Field(default=None, exclude_if=_unrequested)


class EmailMessage(BaseModel):
    """The stand-alone email, and with a phone script the emails to send after the call or
    after the voicemail, which confirm what was said rather than break the news again."""

    subject: str
    text: str
    html: str
    after_call: EmailVariant | SkipJsonSchema[None] = Unrequested
    after_voicemail: EmailVariant | SkipJsonSchema[None] = Unrequested


class PhoneScript(BaseModel):
    text: str
    talking_points: list[str]
    voicemail: str


class LinkedInNote(BaseModel):
    text: str
    length: int
    limit: int
    kind: Literal["connection_request", "message"] = "connection_request"


class FollowUpKind(StrEnum):
    referral = "referral"
    check_in = "check_in"


class FollowUpStatus(StrEnum):
    scheduled = "scheduled"
    due = "due"  # scheduled, and due_at has passed
    sent = "sent"
    skipped = "skipped"


class FollowUp(BaseModel):
    kind: FollowUpKind
    send_after_days: int
    subject: str
    text: str
    # Stored declines only (see /v1/follow-ups); a preview has none of them.
    id: str | SkipJsonSchema[None] = Field(
        default=None, exclude_if=lambda value: value is None, description="`fup_…`"
    )
    due_at: datetime | SkipJsonSchema[None] = Field(
        default=None, exclude_if=lambda value: value is None
    )
    status: FollowUpStatus | SkipJsonSchema[None] = Field(
        default=None, exclude_if=lambda value: value is None
    )


class Messages(BaseModel):
    email: EmailMessage
    phone_script: PhoneScript | SkipJsonSchema[None] = Unrequested
    linkedin_note: LinkedInNote | SkipJsonSchema[None] = Unrequested
    follow_ups: list[FollowUp] | SkipJsonSchema[None] = Unrequested


class Severity(StrEnum):
    info = "info"
    warning = "warning"


# The advice is the table in templates/guidance.yaml: a row there is a code here.
GuidanceCode = StrEnum("GuidanceCode", [(row.code, row.code) for row in advice_table()])  # type: ignore[misc]


class Guidance(BaseModel):
    code: GuidanceCode
    severity: Severity
    message: str


class DeclinePreview(BaseModel):
    request: DeclineRequest
    messages: Messages
    guidance: list[Guidance]
    template_version: str


class Decline(BaseModel):
    id: str = Field(description="Opaque, unguessable, sortable by creation; prefixed `dcl_`.")
    created_at: datetime
    request: DeclineRequest
    messages: Messages
    guidance: list[Guidance]
    template_version: str
    closeout_id: str | SkipJsonSchema[None] = Field(
        default=None,
        exclude_if=_unrequested,
        description="The offer closeout (`clo_…`) this decline was made in; absent otherwise.",
    )


def decline_document(
    *,
    id: str,
    created_at: datetime,
    request: DeclineRequest,
    messages: Mapping[str, object],
    guidance: Sequence[Mapping[str, object]],
    template_version: str,
    closeout_id: str | None = None,
) -> str:
    """A Decline as JSON, from messages and guidance already in the models' shape (as
    app.compose.decline.compose_fields makes them): the same text Decline(...).model_dump_json()
    writes (tests/compose/test_document.py holds them equal), without building the models."""
    document = {
        "id": id,
        "created_at": created_at,
        "request": request,
        "messages": messages,
        "guidance": guidance,
        "template_version": template_version,
    }
    if closeout_id is not None:
        document["closeout_id"] = closeout_id
    return to_json(document).decode()


class DeclinePage(BaseModel):
    items: list[Decline]
    next_cursor: str | None


class ReasonInfo(BaseModel):
    category: ReasonCategory
    label: str
    description: str
    ats: dict[str, str]


class ReasonList(BaseModel):
    items: list[ReasonInfo]


class ProblemError(BaseModel):
    """One invalid part of a request: where it is, and what is wrong with it."""

    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """An RFC 9457 problem detail."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    code: str = Field(description="A stable word to branch on, e.g. `validation_error`.")
    request_id: str = Field(description="The response's X-Request-Id, also in the log line.")
    instance: str | None = None
    errors: list[ProblemError] | None = None


class Health(BaseModel):
    status: Literal["ok"]


class Readiness(BaseModel):
    status: Literal["ready"]
    rate_limits: str | SkipJsonSchema[None] = Field(
        default=None,
        exclude_if=_unrequested,
        description=(
            "With shared rate limits (REDIS_URL): `ok`, or why requests are not limited now."
        ),
    )
