"""The LinkedIn channel: a connection-request note (or a direct message) that fits the limit.

The note is composed to fit rather than cut: every optional part is either in it whole or left
out, so a long name or title can never leave half a word or an ellipsis behind.
"""

import unicodedata

from app.compose.facts import Facts
from app.compose.skeleton import Step, bind, stripped
from app.schemas import LinkedInNote

# The optional parts of a note, most important first. Parts are kept greedily in this order:
# each is kept when it fits alongside those already kept, with every later part left out.
PARTS = ("recipient", "role", "preferred", "company", "signature", "preferred_note")
_NOTES = {
    kind: Step((f"linkedin/{kind}.txt",), stripped) for kind in ("connection_request", "message")
}


# The templates' `use_*` flags for every set of kept parts, a bit a part: PARTS[i] is bit i.
# Shared, so never changed: they are only ever passed on as keyword arguments, and a set's
# number stands for its flags in each shape's table of skeletons (see bind()).
_FLAGS = [
    {f"use_{part}": bool(kept >> bit & 1) for bit, part in enumerate(PARTS)}
    for kept in range(2 ** len(PARTS))
]
_EVERY_PART = 2 ** len(PARTS) - 1


def measure(text: str) -> str:
    """The note as LinkedIn counts it: NFC-normalised, so an accented letter is one character."""
    return unicodedata.normalize("NFC", text)


def compose_linkedin_note(facts: Facts, *, limit: int) -> tuple[LinkedInNote, bool]:
    """The note and whether anything was left out to fit `limit` characters."""
    note, shortened = linkedin_note_fields(facts, limit=limit)
    return LinkedInNote.model_validate(note), shortened


def linkedin_note_fields(facts: Facts, *, limit: int) -> tuple[dict[str, object], bool]:
    """The fields of `compose_linkedin_note()`'s note, to validate along with other models,
    and whether anything was left out."""
    kind = "message" if facts.linkedin_connected else "connection_request"
    render = bind(_NOTES[kind], facts, _FLAGS)

    def note_with(kept: int) -> str:
        (note,) = render(kept)
        return measure(note)

    full = note_with(_EVERY_PART)
    text = full
    if len(full) > limit:
        kept = 0
        text = ""  # the bare note, unless a part fits
        for bit in range(len(PARTS)):
            candidate = note_with(kept | 1 << bit)
            if len(candidate) <= limit:
                kept |= 1 << bit
                text = candidate
        text = text or note_with(kept)
    if len(text) > limit:  # the bare note is template wording only, far below any limit
        raise ValueError(f"the shortest LinkedIn note is {len(text)} characters, over {limit}")
    return {"text": text, "length": len(text), "limit": limit, "kind": kind}, text != full
