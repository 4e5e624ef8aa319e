"""The email channel: the stand-alone email and, with a phone script, the emails to send after
the call or after the voicemail; each a subject, plain text and the same paragraphs as HTML.

All wording lives in templates/email/. A body template puts each sentence on its own line and a
blank line between paragraphs; the lines of a paragraph are joined with single spaces, so a
sentence left out for a missing field never leaves a gap. The HTML is rendered from those same
paragraphs, so every sentence is written exactly once.
"""

from app.compose.facts import Facts
from app.compose.layout import SUBJECT_MAX, lines, paragraphs
from app.compose.skeleton import Context, Render, Step, as_rendered, render_step

# The emails after a call or a voicemail exist only when the candidate is to call first.
VARIANTS = ("standalone", "after_call", "after_voicemail")


def email_fields(facts: Facts, *, lang: str) -> dict[str, object]:
    """The email, with its after-call and after-voicemail variants when there is a script."""
    email = _email(facts, "standalone", lang)
    if facts.has_phone_script:
        email["after_call"] = _email(facts, "after_call", lang)
        email["after_voicemail"] = _email(facts, "after_voicemail", lang)
    return email


def _email(facts: Facts, variant: str, lang: str) -> dict[str, object]:
    subject = _subject(facts, variant)
    text, html = render_step(_BODIES[variant], facts, (subject,), lang=lang)
    return {"subject": subject, "text": text, "html": html}


def _layout(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    body_template, signoff_template, html_template = templates
    body = paragraphs(render(body_template, context))
    signoff = lines(render(signoff_template, context))
    blocks = [*([paragraph] for paragraph in body), signoff]
    text = "\n\n".join("\n".join(block) for block in blocks)
    page = {"lang": context["lang"], "subject": context["subject"], "blocks": blocks}
    return text, render(html_template, page)


_BODIES = {
    variant: Step(
        f"email:{variant}",
        (f"email/{variant}.txt", "email/signoff.txt", "email/body.html"),
        _layout,
        texts=("subject",),
        html=frozenset({1}),
    )
    for variant in VARIANTS
}
_SUBJECT = Step("email:subject", ("email/subject.txt",), as_rendered)


# The fullest subject that fits: the voicemail note is left out, then the title is given as
# written in a sentence with what it is in ("Manager in Flight Operations Engineering"), then
# without ("Senior Manager" for "Senior Manager, Supply Chain Planning & Analytics"), then the
# role is left out. `bracketed`: the title ends in brackets, so the voicemail note opens no
# second pair.
# The voicemail's note goes before the whole title: it ties the email to the message they
# have, and the title said as a sentence says it (the readers missed it when it was left out).
_SUBJECTS = (
    {"with_role": True, "short_role": False, "with_tail": False, "with_note": True},
    {"with_role": True, "short_role": True, "with_tail": True, "with_note": True},
    {"with_role": True, "short_role": True, "with_tail": False, "with_note": True},
    {"with_role": True, "short_role": False, "with_tail": False, "with_note": False},
    {"with_role": True, "short_role": True, "with_tail": True, "with_note": False},
    {"with_role": True, "short_role": True, "with_tail": False, "with_note": False},
    {"with_role": False, "short_role": False, "with_tail": False, "with_note": True},
    {"with_role": False, "short_role": False, "with_tail": False, "with_note": False},
)


def _subject(facts: Facts, variant: str) -> str:
    """The subject with the role when it fits, else without: a title is never cut."""
    for flags in _SUBJECTS:
        (subject,) = render_step(
            _SUBJECT, facts, variant=variant, bracketed=facts.role.endswith(")"), **flags
        )
        subject = " ".join(subject.split())
        if len(subject) <= SUBJECT_MAX:
            break
    return subject
