"""Compose every requested channel of one decline."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import TypeAdapter

from app.compose.email import email_fields
from app.compose.facts import facts_from
from app.compose.follow_ups import follow_up_fields
from app.compose.guidance import advice
from app.compose.linkedin import linkedin_note_fields
from app.compose.phone import phone_script_fields
from app.schemas import Channel, DeclineRequest, Guidance, Messages


@dataclass(frozen=True, slots=True)
class Composition:
    messages: Messages
    guidance: list[Guidance]


# Every model of a decline validated from its fields in one call into pydantic-core.
_COMPOSED = TypeAdapter(tuple[Messages, list[Guidance]])

Fields = dict[str, object]


def compose_fields(
    request: DeclineRequest, *, now: datetime, accepted_company: str | None = None
) -> tuple[Fields, list[Fields]]:
    """The messages and the advice as plain data, each key in its model's field order and the
    channels not requested left out: exactly what serialising the models would write, so the
    write path serialises these as they are and skips building models (see compose()).

    `accepted_company` names the employer whose offer the candidate accepted, for a closeout
    that may name it; None keeps every message silent about where they are going."""
    facts = facts_from(request, now=now, accepted_company=accepted_company)
    channels = set(request.channels)
    note_left_out: tuple[str, ...] = ()
    messages: Fields = {"email": email_fields(facts, lang=request.locale)}
    if Channel.phone_script in channels:
        messages["phone_script"] = phone_script_fields(facts)
    # A connection request would contradict a candidate who chose not to keep in touch, so
    # none is drafted (the guidance says so).
    if Channel.linkedin_note in channels and facts.keep_in_touch:
        note, note_left_out = linkedin_note_fields(facts, limit=request.linkedin_limit)
        messages["linkedin_note"] = note
    if Channel.follow_ups in channels:
        messages["follow_ups"] = follow_up_fields(facts)
    guidance = advice(
        facts,
        interview_at=request.interview_at,
        now=now,
        linkedin_limit=request.linkedin_limit,
        note_left_out=note_left_out,
    )
    return messages, guidance


def compose(
    request: DeclineRequest, *, now: datetime, accepted_company: str | None = None
) -> Composition:
    """Compose the requested channels and the advice for the candidate; `now` is injected."""
    messages, guidance = _COMPOSED.validate_python(
        compose_fields(request, now=now, accepted_company=accepted_company)
    )
    return Composition(messages=messages, guidance=guidance)
