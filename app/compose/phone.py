"""The phone channel: what the candidate says on the call, notes for it, and a voicemail."""

import re

from app.compose.facts import Facts
from app.compose.layout import paragraphs
from app.compose.skeleton import Context, Render, Step, render_step

# A voicemail should run under 30 seconds; at about 150 spoken words a minute that is 75 words.
VOICEMAIL_MAX_WORDS = 75
# The voicemail drops a long title, then the interview's time, until it is short enough.
_VOICEMAIL_VARIANTS = (
    {"use_role": True, "use_when": True},
    {"use_role": False, "use_when": True},
    {"use_role": False, "use_when": False},
)
# What is not said: a run of marks between spaces ("—"). Counting the runs between spaces
# and taking these away takes half the time of finding each word.
_UNSAID = re.compile(r"(?<!\S)[^\s\w]+(?!\S)")


def spoken_words(text: str) -> int:
    """Words a person reads aloud; a lone dash is a pause, not a word."""
    return len(text.split()) - len(_UNSAID.findall(text))


def phone_script_fields(facts: Facts) -> dict[str, object]:
    text, voicemail, *points = render_step(_SCRIPT, facts, **_VOICEMAIL_VARIANTS[0])
    for variant in _VOICEMAIL_VARIANTS[1:]:
        if spoken_words(voicemail) <= VOICEMAIL_MAX_WORDS:
            break
        (voicemail,) = render_step(_VOICEMAIL, facts, **variant)
    return {"text": text, "talking_points": points, "voicemail": voicemail}


def _script(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The script (paragraphs kept apart), the fullest voicemail, then the talking points."""
    script_template, voicemail_template, points_template = templates
    script = "\n\n".join(paragraphs(render(script_template, context)))
    (voicemail,) = _spoken(render, (voicemail_template,), context)
    points = [line.strip() for line in render(points_template, context).split("\n")]
    return script, voicemail, *[point for point in points if point]


def _spoken(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """Each template as one run of speech."""
    return tuple([" ".join(paragraphs(render(template, context))) for template in templates])


_VOICEMAIL = Step("phone:voicemail", ("phone/voicemail.txt",), _spoken)
_SCRIPT = Step(
    "phone:script",
    ("phone/script.txt", *_VOICEMAIL.templates, "phone/talking_points.txt"),
    _script,
)
