"""The LinkedIn channel: a connection-request note (or a direct message) that fits the limit.

The note is composed to fit rather than cut: every optional part is either in it whole or left
out, so a long name or title can never leave half a word or an ellipsis behind.
"""

import unicodedata

from app.compose.environment import render
from app.compose.facts import Facts
from app.compose.layout import full_stop
from app.schemas import LinkedInNote

# The optional parts of a note, most important first. Parts are kept greedily in this order:
# each is kept when it fits alongside those already kept, with every later part left out.
PARTS = ("recipient", "role", "preferred", "company", "signature", "preferred_note")


def measure(text: str) -> str:
    """The note as LinkedIn counts it: NFC-normalised, so an accented letter is one character."""
    return unicodedata.normalize("NFC", text)


def compose_linkedin_note(facts: Facts, *, limit: int) -> tuple[LinkedInNote, bool]:
    """The note and whether anything was left out to fit `limit` characters."""
    kind = "message" if facts.linkedin_connected else "connection_request"

    def note_with(kept: frozenset[str]) -> str:
        flags = {f"use_{part}": part in kept for part in PARTS}
        context = facts.context(stop=full_stop, **flags)
        return measure(render(f"linkedin/{kind}.txt", context).strip())

    full = note_with(frozenset(PARTS))
    text = full
    if len(full) > limit:
        kept: frozenset[str] = frozenset()
        for part in PARTS:
            if len(note_with(kept | {part})) <= limit:
                kept |= {part}
        text = note_with(kept)
    if len(text) > limit:  # the bare note is template wording only, far below any limit
        raise ValueError(f"the shortest LinkedIn note is {len(text)} characters, over {limit}")
    note = LinkedInNote(text=text, length=len(text), limit=limit, kind=kind)
    return note, text != full
