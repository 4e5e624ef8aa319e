"""The follow-ups: a referral sent a couple of days after the decline, and check-ins later.

A check-in needs a reason to exist: news about the company, or something the candidate shares
with the recipient. Each check-in is about one of them, so there are as many as there are
reasons, two at most, and none without a person to write to. The better-fit role is not a
reason on its own (a note that only asks about jobs is chasing), so it rides along in the last.
"""

from app.compose.facts import Facts
from app.compose.layout import SUBJECT_MAX, lines, paragraphs
from app.compose.skeleton import Context, Render, Step, as_rendered, render_step

REFERRAL_AFTER_DAYS = 2
# A first check-in once the team has settled after the hire, another later in the year:
# often enough to stay in mind, rarely enough never to feel like chasing.
CHECK_IN_AFTER_DAYS = (90, 270)


def check_in_hooks(facts: Facts) -> list[tuple[str, bool]]:
    """What each check-in is about, and whether it also mentions the better-fit role."""
    if not facts.keep_in_touch or facts.address_as is None:
        return []
    hooks = [
        hook
        for hook, given in (
            ("news", facts.company_news is not None and not facts.news_is_hard),
            # Common ground typed as a note to oneself ("seahawks fans lol") is no sentence
            # to write to someone; the guidance asks for it as a topic instead.
            ("common", facts.common_ground is not None and facts.common_as != "note"),
        )
        if given
    ]
    # A candidate leaving over culture says they are looking elsewhere, so no check-in asks
    # the same company for the better-fit role, unless they typed what would change their mind
    # ("if the team moves to remote-first").
    with_preferred = facts.preferred_role is not None and (
        facts.reason != "company_fit" or facts.preferred_role_condition is not None
    )
    if not hooks and with_preferred:
        # The role they would rather have is reason enough for one check-in, and its only
        # subject: months on, a role like it may have opened.
        return [("preferred", True)]
    return [(hook, with_preferred and visit == len(hooks) - 1) for visit, hook in enumerate(hooks)]


def follow_up_fields(facts: Facts) -> list[dict[str, object]]:
    follow_ups: list[dict[str, object]] = []
    if facts.referral_later:
        follow_ups.append(
            _letter(facts, "referral", REFERRAL_AFTER_DAYS, hook="", visit=0, with_preferred=False)
        )
    for visit, (hook, with_preferred) in enumerate(check_in_hooks(facts), start=1):
        days = CHECK_IN_AFTER_DAYS[visit - 1]
        follow_ups.append(
            _letter(facts, "check_in", days, hook=hook, visit=visit, with_preferred=with_preferred)
        )
    return follow_ups


def _letter(
    facts: Facts, kind: str, days: int, *, hook: str, visit: int, with_preferred: bool
) -> dict[str, object]:
    values = {"kind": kind, "hook": hook, "visit": visit, "with_preferred": with_preferred}
    text, subject = render_step(_LETTERS[kind], facts, full=True, **values)
    subject = " ".join(subject.split())
    if len(subject) > SUBJECT_MAX:
        (subject,) = render_step(_SUBJECT, facts, full=False, **values)
        subject = " ".join(subject.split())
    return {"kind": kind, "send_after_days": days, "subject": subject, "text": text}


def _layout(render: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
    """The letter, and its fullest subject."""
    letter_template, signoff_template, subject_template = templates
    body = paragraphs(render(letter_template, context))
    signoff = lines(render(signoff_template, context))
    text = "\n\n".join([*body, "\n".join(signoff)])
    return text, render(subject_template, context)


_SUBJECT = Step("follow_ups:subject", ("follow_ups/subject.txt",), as_rendered)
_LETTERS = {
    kind: Step(
        f"follow_ups:{kind}",
        (f"follow_ups/{kind}.txt", "follow_ups/signoff.txt", *_SUBJECT.templates),
        _layout,
    )
    for kind in ("referral", "check_in")
}
