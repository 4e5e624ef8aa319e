"""Compose every requested channel of one decline."""

from dataclasses import dataclass
from datetime import datetime

from app.compose.email import compose_email
from app.compose.facts import facts_from
from app.compose.follow_ups import compose_follow_ups
from app.compose.guidance import advise
from app.compose.linkedin import compose_linkedin_note
from app.compose.phone import compose_phone_script
from app.schemas import Channel, DeclineRequest, Guidance, Messages


@dataclass(frozen=True, slots=True)
class Composition:
    messages: Messages
    guidance: list[Guidance]


def compose(request: DeclineRequest, *, now: datetime) -> Composition:
    """Compose the requested channels and the advice for the candidate; `now` is injected."""
    facts = facts_from(request)
    channels = set(request.channels)
    note = None
    note_shortened = False
    if Channel.linkedin_note in channels:
        note, note_shortened = compose_linkedin_note(facts, limit=request.linkedin_limit)
    messages = Messages(
        email=compose_email(facts),
        phone_script=compose_phone_script(facts) if Channel.phone_script in channels else None,
        linkedin_note=note,
        follow_ups=compose_follow_ups(facts) if Channel.follow_ups in channels else None,
    )
    guidance = advise(request, facts, now=now, note_shortened=note_shortened)
    return Composition(messages=messages, guidance=guidance)
