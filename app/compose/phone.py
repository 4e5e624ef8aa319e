"""The phone channel: what the candidate says on the call, notes for it, and a voicemail."""

import re

from app.compose.facts import Facts
from app.compose.skeleton import Context, Render, Step, render_step, stripped
from app.schemas import PhoneScript, Tone

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
# The first, with nothing dropped, is rendered with the script.
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
    return PhoneScript.model_validate(phone_script_fields(facts))


def phone_script_fields(facts: Facts) -> dict[str, object]:
    """The fields of `compose_phone_script()`'s script, to validate along with other models."""
    text, voicemail, *points = render_step(_SCRIPT[facts.tone], facts)
    return {
        "text": text,
        "talking_points": points,
        "voicemail": _voicemail(facts, fullest=voicemail),
    }


def _script(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The script, the fullest voicemail (which most often fits), then the talking points."""
    script_template, voicemail_template, points_template = templates
    text = render(script_template, context).strip()
    voicemail = render(voicemail_template, context).strip()
    points = render(points_template, context).splitlines()
    return text, voicemail, *(point.strip() for point in points if point.strip())


_VOICEMAIL = Step(("phone/voicemail.txt",), stripped)
_SCRIPT: dict[str, Step] = {
    tone: Step(
        (f"phone/script_{tone}.txt", *_VOICEMAIL.templates, "phone/talking_points.txt"), _script
    )
    for tone in Tone
}


def _voicemail(facts: Facts, *, fullest: str) -> str:
    """The fullest voicemail within the word limit (the shortest one when none is).

    `fullest`, the first variant, comes rendered with the script.
    """
    text = fullest
    for variant in _VOICEMAIL_VARIANTS[1:]:
        if _short_enough(text):
            break
        (text,) = render_step(_VOICEMAIL, facts, **variant)
    return text


def _short_enough(voicemail: str) -> bool:
    # Every spoken word is one of the pieces between spaces, so when those are few enough the
    # words are too, and counting them (a slow pattern) can wait for long voicemails.
    pieces = len(voicemail.split())
    return pieces <= VOICEMAIL_MAX_WORDS or spoken_words(voicemail) <= VOICEMAIL_MAX_WORDS
