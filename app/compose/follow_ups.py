"""The follow-ups: a referral sent a couple of days after the decline, and occasional check-ins.

Letter templates put one sentence a line and a blank line between paragraphs; the lines of a
paragraph are joined here, so a sentence left out for a missing field leaves no gap behind.
"""

from collections.abc import Iterator

from pydantic import TypeAdapter

from app.compose.facts import Facts
from app.compose.layout import SUBJECT_MAX, lines, paragraphs, shorten
from app.compose.skeleton import Context, Render, Step, as_rendered, render_step
from app.schemas import FollowUp, FollowUpKind

REFERRAL_AFTER_DAYS = 2
# A first check-in once the team has settled after the hire, another later in the year:
# often enough to stay in mind, rarely enough never to feel like chasing.
CHECK_IN_AFTER_DAYS = (90, 270)
_FOLLOW_UPS = TypeAdapter(list[FollowUp])


def compose_follow_ups(facts: Facts) -> list[FollowUp]:
    return _FOLLOW_UPS.validate_python(follow_up_fields(facts))


def follow_up_fields(facts: Facts) -> list[dict[str, object]]:
    """The fields of each of `compose_follow_ups()`'s follow-ups, to validate along with other
    models."""
    follow_ups: list[dict[str, object]] = []
    if facts.referral_later:
        follow_ups.append(_follow_up(facts, FollowUpKind.referral, REFERRAL_AFTER_DAYS))
    if facts.keep_in_touch:
        for visit, days in enumerate(CHECK_IN_AFTER_DAYS, start=1):
            follow_ups.append(_follow_up(facts, FollowUpKind.check_in, days, visit=visit))
    return follow_ups


def _follow_up(facts: Facts, kind: FollowUpKind, days: int, *, visit: int = 0) -> dict[str, object]:
    text, fullest = render_step(
        _LETTERS[kind],
        facts,
        kind=kind.value,
        visit=visit,
        subject_role=facts.role,
        with_name=True,
    )
    subject = _subject(facts, kind, visit, fullest=" ".join(fullest.split()))
    # The kind as its value: plain data serialises without a call back into Python per enum.
    return {"kind": kind.value, "send_after_days": days, "subject": subject, "text": text}


def _letter(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The letter, and its fullest subject, which most often fits (see _subject)."""
    letter_template, signoff_template, subject_template = templates
    body = paragraphs(render(letter_template, context))
    signoff = lines(render(signoff_template, context))
    text = "\n\n".join([*body, "\n".join(signoff)])
    return text, render(subject_template, context)


_SUBJECT = Step(("follow_ups/subject.txt",), as_rendered, texts=("subject_role",))
_LETTERS = {
    kind: Step(
        (f"follow_ups/{kind.value}.txt", "follow_ups/signoff.txt", *_SUBJECT.templates),
        _letter,
        texts=_SUBJECT.texts,
    )
    for kind in FollowUpKind
}


def _subject(facts: Facts, kind: FollowUpKind, visit: int, *, fullest: str) -> str:
    """The fullest subject that fits: the name and role, a shortened role, no role, no name.

    `fullest`, the first of them, comes rendered with the letter.
    """
    if len(fullest) <= SUBJECT_MAX:
        return fullest

    def subject(role: str, *, with_name: bool) -> str:
        (rendered,) = render_step(
            _SUBJECT, facts, kind=kind.value, visit=visit, subject_role=role, with_name=with_name
        )
        return " ".join(rendered.split())

    def fitted(*, with_name: bool) -> Iterator[str]:
        yield subject(facts.role, with_name=with_name)
        overhead = len(subject("x", with_name=with_name)) - 1
        short_role = shorten(facts.role, SUBJECT_MAX - overhead)
        if short_role:
            yield subject(short_role, with_name=with_name)

    def candidates() -> Iterator[str]:
        # Lazy: most subjects fit at the first try, so the shorter forms are rarely rendered.
        yield from fitted(with_name=True)
        yield subject("", with_name=True)
        yield from fitted(with_name=False)

    for line in candidates():
        if len(line) <= SUBJECT_MAX:
            return line
    return subject("", with_name=False)
