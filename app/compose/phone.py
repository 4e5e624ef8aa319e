"""The phone channel: what the candidate says on the call, notes for it, and a voicemail."""

import re

from app.compose.environment import render
from app.compose.facts import Facts
from app.compose.layout import full_stop
from app.schemas import PhoneScript

# A voicemail should run under 30 seconds; at about 150 spoken words a minute that is 75 words.
VOICEMAIL_MAX_WORDS = 75
# Long names and titles are dropped from the voicemail in this order until it is short enough;
# the last resort, for names of twenty words and more, is the brief tone's fewer words.
_DROPPED: dict[str, object] = {
    "use_company": False,
    "use_role": False,
    "use_recipient": False,
    "use_when": False,
}
_VOICEMAIL_VARIANTS: tuple[dict[str, object], ...] = (
    {},
    {"use_company": False},
    {"use_company": False, "use_role": False},
    {"use_company": False, "use_role": False, "use_recipient": False},
    _DROPPED,
    {**_DROPPED, "tone": "brief"},
)
_SPOKEN_WORD = re.compile(r"\S*\w\S*")


def spoken_words(text: str) -> int:
    """Words a person reads aloud; a lone dash is a pause, not a word."""
    return len(_SPOKEN_WORD.findall(text))


def compose_phone_script(facts: Facts) -> PhoneScript:
    context = facts.context(stop=full_stop)
    text = render(f"phone/script_{facts.tone}.txt", context).strip()
    points = render("phone/talking_points.txt", context).splitlines()
    return PhoneScript(
        text=text,
        talking_points=[point.strip() for point in points if point.strip()],
        voicemail=_voicemail(facts),
    )


def _voicemail(facts: Facts) -> str:
    """The fullest voicemail within the word limit (the shortest one when none is)."""
    for variant in _VOICEMAIL_VARIANTS:
        text = render("phone/voicemail.txt", facts.context(stop=full_stop, **variant)).strip()
        if spoken_words(text) <= VOICEMAIL_MAX_WORDS:
            break
    return text
