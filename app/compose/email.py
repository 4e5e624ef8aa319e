"""The email channel: a subject, a plain-text body, and the same paragraphs as a simple HTML page.

All wording lives in templates/email/. A body template puts each sentence on its own line and a
blank line between paragraphs; here the lines of a paragraph are joined with single spaces, so a
sentence left out for a missing field never leaves a gap, a doubled space or an empty paragraph.
The HTML is rendered from those same paragraphs, so every sentence is written exactly once.
"""

from collections.abc import Iterator

from app.compose.facts import Facts
from app.compose.layout import SUBJECT_MAX, lines, paragraphs, shorten
from app.compose.skeleton import Context, Render, Step, as_rendered, render_step
from app.schemas import EmailMessage, Tone


def compose_email(facts: Facts, *, lang: str = "en") -> EmailMessage:
    """The decline email in the request's tone, as plain text and HTML."""
    return EmailMessage.model_validate(email_fields(facts, lang=lang))


def email_fields(facts: Facts, *, lang: str = "en") -> dict[str, object]:
    """The fields of `compose_email()`'s email, to validate along with other models."""
    subject = _subject(facts)
    text, html = render_step(_EMAIL[facts.tone], facts, lang=lang, subject=subject)
    return {"subject": subject, "text": text, "html": html}


def _email(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    body_template, signoff_template, html_template = templates
    body = paragraphs(render(body_template, context))
    signoff = lines(render(signoff_template, context))
    blocks = [*([paragraph] for paragraph in body), signoff]
    text = "\n\n".join("\n".join(block) for block in blocks)
    page = {"lang": context["lang"], "subject": context["subject"], "blocks": blocks}
    return text, render(html_template, page)


_EMAIL: dict[str, Step] = {
    tone: Step(
        (f"email/body/{tone}.txt", "email/signoff.txt", "email/body.html"),
        _email,
        texts=("subject",),
        html=frozenset({1}),
    )
    for tone in Tone
}
_SUBJECT = Step(("email/subject.txt",), as_rendered, texts=("subject_role",))


def _subject(facts: Facts) -> str:
    """The fullest subject that fits: role and name, then the role, a shortened role, no role."""

    def subject(role: str, *, with_name: bool) -> str:
        (rendered,) = render_step(_SUBJECT, facts, subject_role=role, with_name=with_name)
        return " ".join(rendered.split())

    fullest = subject(facts.role, with_name=True)
    if len(fullest) <= SUBJECT_MAX:  # as most subjects do
        return fullest

    def candidates() -> Iterator[str]:
        # Lazy: the shorter forms are rarely rendered.
        yield subject(facts.role, with_name=False)
        overhead = len(subject("x", with_name=False)) - 1
        short_role = shorten(facts.role, SUBJECT_MAX - overhead)
        if short_role:
            yield subject(short_role, with_name=False)
        yield subject("", with_name=True)

    for line in candidates():
        if len(line) <= SUBJECT_MAX:
            return line
    return subject("", with_name=False)
