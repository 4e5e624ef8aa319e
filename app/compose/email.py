"""The email channel: a subject, a plain-text body, and the same paragraphs as a simple HTML page.

All wording lives in templates/email/. A body template puts each sentence on its own line and a
blank line between paragraphs; here the lines of a paragraph are joined with single spaces, so a
sentence left out for a missing field never leaves a gap, a doubled space or an empty paragraph.
The HTML is rendered from those same paragraphs, so every sentence is written exactly once.
"""

from collections.abc import Iterator

from app.compose.environment import render
from app.compose.facts import Facts
from app.compose.layout import SUBJECT_MAX, full_stop, lines, paragraphs, shorten
from app.schemas import EmailMessage


def compose_email(facts: Facts, *, lang: str = "en") -> EmailMessage:
    """The decline email in the request's tone, as plain text and HTML."""
    context = facts.context(stop=full_stop)
    subject = _subject(facts)
    body = paragraphs(render(f"email/body/{facts.tone}.txt", context))
    signoff = lines(render("email/signoff.txt", context))
    blocks = [*([paragraph] for paragraph in body), signoff]
    text = "\n\n".join("\n".join(block) for block in blocks)
    html = render("email/body.html", {"lang": lang, "subject": subject, "blocks": blocks})
    return EmailMessage(subject=subject, text=text, html=html)


def _subject(facts: Facts) -> str:
    """The fullest subject that fits: role and name, then the role, a shortened role, no role."""

    def subject(role: str, *, with_name: bool) -> str:
        rendered = render(
            "email/subject.txt", facts.context(subject_role=role, with_name=with_name)
        )
        return " ".join(rendered.split())

    def candidates() -> Iterator[str]:
        # Lazy: most subjects fit at the first try, so the shorter forms are rarely rendered.
        yield subject(facts.role, with_name=True)
        yield subject(facts.role, with_name=False)
        overhead = len(subject("x", with_name=False)) - 1
        short_role = shorten(facts.role, SUBJECT_MAX - overhead)
        if short_role:
            yield subject(short_role, with_name=False)
        yield subject("", with_name=True)

    return next(
        (line for line in candidates() if len(line) <= SUBJECT_MAX),
        subject("", with_name=False),
    )
