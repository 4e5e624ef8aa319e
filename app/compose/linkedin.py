"""The LinkedIn channel: a connection-request note (or a direct message) that fits the limit.

The note is composed to fit rather than cut: every optional part is either in it whole or left
out, so a long name or title can never leave half a word or an ellipsis behind.
"""

import unicodedata

from app.compose.facts import Facts
from app.compose.skeleton import Step, render_step, stripped

# The optional parts of a note, most important first. Parts are kept greedily in this order:
# each is kept when it fits alongside those already kept, with every later part left out.
PARTS = ("recipient", "role", "company")
_NOTES = {
    kind: Step(f"linkedin:{kind}", (f"linkedin/{kind}.txt",), stripped)
    for kind in ("connection_request", "message")
}
_EVERY_PART = (1 << len(PARTS)) - 1
_ROLE = 1 << PARTS.index("role")
_RECIPIENT = 1 << PARTS.index("recipient")
# `linkedin_limit` is the limit of a connection request's note; a message to someone already
# connected may run to 8,000 characters, so it is never shortened.
MESSAGE_LIMIT = 8000


def measure(text: str) -> str:
    """The note as LinkedIn counts it: NFC-normalised, so an accented letter is one character."""
    return unicodedata.normalize("NFC", text)


def linkedin_note_fields(facts: Facts, *, limit: int) -> tuple[dict[str, object], tuple[str, ...]]:
    """The note's fields, and the PARTS left out to fit `limit` characters (none: empty);
    a message fits MESSAGE_LIMIT instead."""
    if facts.linkedin_connected:
        kind, limit = "message", MESSAGE_LIMIT
    else:
        kind = "connection_request"

    def note_with(kept: int, *, short_role: bool = False) -> str:
        flags = {f"use_{part}": bool(kept >> bit & 1) for bit, part in enumerate(PARTS)}
        (note,) = render_step(_NOTES[kind], facts, use_short_role=short_role, **flags)
        return measure(" ".join(note.split("\n")))

    # A connection knows who the candidate is and which role it was: a message thanks them
    # without the title and the company the email has just given.
    every = _RECIPIENT if kind == "message" else _EVERY_PART
    full = note_with(every)
    text = full
    kept = every
    short_role = False
    if len(full) > limit:
        kept = 0
        text = note_with(0)  # the bare note, unless a part fits
        for bit in range(len(PARTS)):
            candidate = note_with(kept | 1 << bit, short_role=short_role)
            if len(candidate) <= limit:
                kept |= 1 << bit
                text = candidate
            elif 1 << bit == _ROLE and facts.role_spoken not in (None, facts.role):
                # A title too long to keep whole may still fit as a call says it ("the QA
                # Manager role"), which says more than "the role"; before the company's name.
                candidate = note_with(kept, short_role=True)
                if len(candidate) <= limit:
                    short_role, text = True, candidate
    if len(text) > limit:  # the bare note is template wording only, far below any limit
        raise ValueError(f"the shortest LinkedIn note is {len(text)} characters, over {limit}")
    # With no one named there is no name to leave out.
    left_out = tuple(
        "role_in_part" if part == "role" and short_role else part
        for bit, part in enumerate(PARTS)
        if every >> bit & 1
        and not kept >> bit & 1
        and (part != "recipient" or facts.address_as is not None)
    )
    return {"text": text, "length": len(text), "limit": limit, "kind": kind}, left_out
