"""The email channel, composed directly: what every letter says, and that any text stays safe.

Word limits: brief under 120 words, warm and formal under 250, for requests of realistic size
(the API example, and for warm and formal also a 500-character detail). With every field at
its maximum length the candidate's own text alone can exceed those limits, so there the limit
applies to our wording: the words that did not come from the request.
"""

import itertools
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app.api.examples import OFFER_EXAMPLE
from app.compose.email import compose_email
from app.compose.facts import Facts, facts_from
from app.compose.layout import SUBJECT_MAX, full_stop, shorten
from app.schemas import DeclineRequest, EmailMessage, ReasonCategory, Stage, Tone

WORD_LIMITS = {"warm": 250, "formal": 250, "brief": 120}
SIGN_OFFS = {"warm": "Warm regards,", "formal": "Sincerely,", "brief": "Best,"}
GREETINGS = {"warm": "Dear", "formal": "Dear", "brief": "Hi"}
# Words each reason's own sentence uses, so a missing or mixed-up reason is noticed.
REASON_WORDS = {
    "accepted_other_offer": "accepted another position",
    "role_fit": "fit for me",
    "career_direction": "career in a different direction",
    "compensation": "compensation",
    "location": "location",
    "timing": "timing",
    "company_fit": "environment",
    "personal": "Personal circumstances",
}
# Words that would criticise the company; no reason may ever use them.
CRITICISM = ("toxic", "disorganised", "disorganized", "poor", "bad", "unprofessional", "low")
REFERRAL_WORDS = ("recommend", "introduce", "referral")
WHEN = "Tuesday, December 1 at 3:00 PM"

# The contract's own example, without check-in material (the email never uses it).
RICH: dict[str, Any] = {
    **{
        key: value
        for key, value in OFFER_EXAMPLE.items()
        if key not in ("tone", "locale", "channels", "linkedin_limit")
    },
    "relationship": {"keep_in_touch": True, "linkedin_connected": False},
}
MINIMAL: dict[str, Any] = {
    "stage": "offer",
    "reason": {"category": "other"},
    "role": "Senior Data Engineer",
    "company": "Acme Analytics",
    "candidate": {"name": "Ana Ruiz"},
}
COMBINATIONS = list(itertools.product(Stage, ReasonCategory, Tone))
LONG_DETAIL = (
    "I have spent the last few weeks talking this through with my family, and we agreed that "
    "a move right now would put too much strain on us. My partner has just started a new job, "
    "our youngest begins school in the spring, and I want to be present for both. I hope you "
    "understand, and I am grateful for the patience and kindness everyone showed me along the "
    "way, especially during the final round of conversations with the team. Thank you for "
    "understanding, and for every kind word."
)


def compose(base: dict[str, Any], **changes: Any) -> tuple[Facts, EmailMessage]:
    facts = facts_from(DeclineRequest.model_validate({**base, **changes}))
    return facts, compose_email(facts)


class _Reader(HTMLParser):
    """The title, the paragraphs (with <br> as a line break) and every tag of an HTML email."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.paragraphs: list[str] = []
        self.tags: set[str] = set()
        self._inside: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag in ("p", "title"):
            self._inside = tag
            if tag == "p":
                self.paragraphs.append("")
        elif tag == "br":
            self.paragraphs[-1] += "\n"

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "title"):
            self._inside = None

    def handle_data(self, data: str) -> None:
        if self._inside == "p":
            self.paragraphs[-1] += data
        elif self._inside == "title":
            self.title += data


def assert_tidy(text: str) -> None:
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert "  " not in text
    assert all(line == line.rstrip() for line in text.splitlines())
    for debris in ("{{", "}}", "{%", "%}", "{#", "None", "\t", "..", ",.", ".,", "—."):
        assert debris not in text, debris
    assert not re.search(r" [,.;:!?)]", text)


def assert_well_formed(email: EmailMessage) -> None:
    """The rules every email keeps, whatever it says."""
    assert_tidy(email.text)
    assert_tidy(email.subject)
    assert len(email.subject) <= SUBJECT_MAX
    assert "\n" not in email.subject
    assert email.html.startswith(
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">'
    )
    assert email.html.endswith("</html>")
    assert all(line == line.rstrip() for line in email.html.splitlines())
    reader = _Reader()
    reader.feed(email.html)
    reader.close()
    # The HTML says exactly what the text says, paragraph for paragraph and line for line.
    assert "\n\n".join(reader.paragraphs) == email.text
    assert reader.title == email.subject
    assert reader.tags <= {"html", "head", "meta", "title", "body", "div", "p", "br"}
    assert "http" not in email.html  # no external resources


def paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_everything_given_is_said(stage: Stage, reason: ReasonCategory, tone: Tone) -> None:
    detail = RICH["reason"]["detail"]
    facts, email = compose(
        RICH, stage=stage, tone=tone, reason={"category": reason, "detail": detail}
    )
    text = email.text
    assert_well_formed(email)
    assert text.startswith(f"{GREETINGS[tone]} Jordan Lee,\n\n")
    assert "Thank you" in paragraphs(text)[1]
    for value in (
        facts.role,
        facts.company,
        detail,
        facts.preferred_role,
        facts.preferred_role_note,
        facts.referral_name,
        facts.referral_relationship,
        facts.referral_strengths,
        facts.referral_email,
    ):
        assert value is not None
        assert value in text
    decision = {
        "interview": f"interview on {WHEN}",
        "candidacy": "withdraw",
        "offer": "decline the offer",
    }
    assert decision[stage] in text
    assert "stay in touch" in text
    assert "LinkedIn" in text
    if reason != ReasonCategory.other:
        # The candidate's own words are the reason; ours would only repeat or contradict them.
        assert REASON_WORDS[reason] not in text
    assert text.endswith(f"\n\n{SIGN_OFFS[tone]}\nAna Ruiz\nana@example.com\n+1 415 555 0100")
    assert len(text.split()) < WORD_LIMITS[tone]
    assert facts.role in email.subject


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_nothing_is_invented_without_the_optional_fields(
    stage: Stage, reason: ReasonCategory, tone: Tone
) -> None:
    _, email = compose(MINIMAL, stage=stage, tone=tone, reason={"category": reason})
    text = email.text
    assert_well_formed(email)
    assert text.startswith(f"{GREETINGS[tone]} Acme Analytics hiring team,\n\n")
    assert "Senior Data Engineer" in text
    assert "Thank you" in text
    assert not any(word in text for word in REFERRAL_WORDS)
    assert "focusing on" not in text
    assert "December" not in text
    assert "LinkedIn" in text  # not connected yet, by default
    assert not any(word in text.lower().split() for word in CRITICISM)
    decision_paragraph = paragraphs(text)[1 if tone == Tone.brief else 2]
    if reason == ReasonCategory.other:
        # No reason was given, so none is offered: the decision stands on its own.
        assert decision_paragraph.count(".") == (2 if tone == Tone.brief else 1)
    else:
        assert REASON_WORDS[reason] in text
    assert text.endswith(f"\n\n{SIGN_OFFS[tone]}\nAna Ruiz")
    assert len(text.split()) < WORD_LIMITS[tone]


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_a_later_referral_is_not_mentioned(stage: Stage, tone: Tone) -> None:
    referral = {**RICH["referral"], "timing": "later"}
    _, email = compose(RICH, stage=stage, tone=tone, referral=referral)
    assert "Sam Patel" not in email.text
    assert "sam@example.com" not in email.text
    assert not any(word in email.text for word in REFERRAL_WORDS)


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize(
    ("referral", "expected"),
    [
        ({}, "recommend"),
        ({"relationship": "a former colleague"}, "a former colleague."),
        ({"strengths": "ten years of SQL"}, "someone from my network who brings ten years of SQL."),
        ({"name": "Sam Patel"}, "Sam Patel."),
        ({"name": "Sam Patel", "strengths": "ten years of SQL"}, "Sam Patel, who brings ten"),
        ({"name": "Sam Patel", "relationship": "my mentor"}, "Sam Patel, my mentor."),
        ({"name": "Sam Patel", "email": "sam@example.com"}, "reach them at sam@example.com."),
    ],
)
def test_the_referral_says_what_is_known(
    tone: Tone, referral: dict[str, str], expected: str
) -> None:
    _, email = compose(RICH, tone=tone, stage="offer", referral=referral)
    assert_well_formed(email)
    assert expected in email.text
    for pronoun in (" he ", " she ", " his ", " her ", " him "):
        assert pronoun not in email.text


@pytest.mark.parametrize("tone", list(Tone))
def test_staying_in_touch_follows_the_relationship(tone: Tone) -> None:
    _, apart = compose(RICH, tone=tone, relationship={"keep_in_touch": False})
    assert "stay in touch" not in apart.text
    assert "LinkedIn" not in apart.text
    assert "Thank" in paragraphs(apart.text)[-2]  # still a polite close
    _, connected = compose(RICH, tone=tone, relationship={"linkedin_connected": True})
    assert "stay in touch" in connected.text
    assert "LinkedIn" not in connected.text
    _, team = compose(RICH, tone=tone, recipient=None)
    assert "LinkedIn" in team.text
    assert "send you" not in team.text  # no one to send a connection request to


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize("stage", list(Stage))
def test_the_interview_time_is_named_only_when_declining_the_interview(
    tone: Tone, stage: Stage
) -> None:
    _, timed = compose(RICH, tone=tone, stage=stage)
    assert (WHEN in timed.text) is (stage == Stage.interview)
    _, untimed = compose(RICH, tone=tone, stage=stage, interview_at=None)
    assert "December" not in untimed.text
    if stage == Stage.interview:
        assert "decline the" in untimed.text


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize(
    ("detail", "sentence"),
    [
        ("Is that okay?", "Is that okay?"),
        ("My father is unwell", "My father is unwell."),
        ("i'd rather not say more.", "i'd rather not say more."),
        ('As I said, "timing matters."', 'As I said, "timing matters."'),
        ("It was a hard call 🙏", "It was a hard call 🙏"),
    ],
)
def test_the_detail_is_carried_verbatim_as_a_sentence(
    tone: Tone, detail: str, sentence: str
) -> None:
    _, email = compose(MINIMAL, tone=tone, reason={"category": "personal", "detail": detail})
    assert sentence in email.text
    assert f"{sentence}." not in email.text


@pytest.mark.parametrize("tone", [Tone.warm, Tone.formal])
def test_a_long_detail_still_fits_a_warm_or_formal_email(tone: Tone) -> None:
    assert 450 <= len(LONG_DETAIL) <= 500
    for stage in Stage:
        _, email = compose(
            RICH, tone=tone, stage=stage, reason={"category": "personal", "detail": LONG_DETAIL}
        )
        assert LONG_DETAIL in email.text
        assert len(email.text.split()) < WORD_LIMITS[tone]


def _filler(code: str, size: int) -> str:
    """`size` characters of words that are easy to tell apart from ours ("zzro1 zzro2 ...")."""
    words = (f"zz{code}{index}" for index in itertools.count(1))
    text = ""
    for word in words:
        if len(text) + len(word) + 1 > size:
            return text
        text = f"{text} {word}" if text else word
    raise AssertionError  # pragma: no cover


LONGEST: dict[str, Any] = {
    "role": _filler("ro", 200),
    "company": _filler("co", 200),
    "candidate": {
        "name": _filler("ca", 120),
        "email": "ana@example.com",
        "phone": "+1 415 555 0100",
    },
    "recipient": {"name": _filler("re", 120), "title": _filler("ti", 120)},
    "reason": {"category": "other", "detail": _filler("de", 500)},
    "preferred_role": {"title": _filler("pr", 200), "note": _filler("no", 200)},
    "referral": {
        "name": _filler("rn", 120),
        "email": "sam@example.com",
        "relationship": _filler("rl", 120),
        "strengths": _filler("st", 300),
    },
    "interview_at": "2026-12-01T15:00:00-05:00",
}


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_our_wording_fits_the_limit_around_the_longest_fields(
    stage: Stage, reason: ReasonCategory, tone: Tone
) -> None:
    changes = {"reason": {**LONGEST["reason"], "category": reason}}
    _, email = compose(LONGEST, stage=stage, tone=tone, **changes)
    assert_well_formed(email)
    ours = [word for word in email.text.split() if "zz" not in word]
    assert len(ours) < WORD_LIMITS[tone]
    # The subject keeps whole words of the role, or leaves the role out.
    head, ellipsis, _ = email.subject.partition("…")
    if ellipsis:
        assert head.split()[-1] in LONGEST["role"].split()


# Text anyone might type: template syntax, markup, emoji, right-to-left scripts, anything.
SPECIAL = [
    "{{ 7*7 }}",
    "{% if true %}yes{% endif %}",
    "<script>alert(1)</script>",
    "None",
    "Zoë & Chloé <Ltd>",
    "😀 👍🏽 🇪🇸",
    "שלום עולם",
    "مرحبا بالعالم؟",
    'O\'Brien "Bob"',
    "‮evil‬",
    "?",
]


def typed(max_size: int) -> st.SearchStrategy[str]:
    anything = st.text(
        alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=max_size
    )
    return st.one_of(st.sampled_from(SPECIAL), anything).filter(lambda text: bool(text.strip()))


@st.composite
def typed_requests(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "stage": draw(st.sampled_from(list(Stage))),
        "tone": draw(st.sampled_from(list(Tone))),
        "role": draw(typed(200)),
        "company": draw(typed(200)),
        "candidate": {"name": draw(typed(120))},
        "recipient": {"name": draw(typed(120))},
        "reason": {
            "category": draw(st.sampled_from(list(ReasonCategory))),
            "detail": draw(typed(500)),
        },
        "preferred_role": {"title": draw(typed(200)), "note": draw(typed(200))},
        "referral": {
            "name": draw(typed(120)),
            "relationship": draw(typed(120)),
            "strengths": draw(typed(300)),
        },
        "interview_at": "2026-12-01T15:00:00-05:00",
    }


@settings(max_examples=150, deadline=None)
@given(body=typed_requests())
def test_what_people_type_is_literal_in_text_and_escaped_in_html(body: dict[str, Any]) -> None:
    facts, email = compose(body)
    values = [
        facts.role,
        facts.company,
        facts.candidate_name,
        facts.recipient_name,
        facts.detail,
        facts.preferred_role,
        facts.preferred_role_note,
        facts.referral_name,
        facts.referral_relationship,
        facts.referral_strengths,
    ]
    ours = email.text
    for value in sorted((value for value in values if value), key=len, reverse=True):
        assert value in email.text
        assert str(escape(value)) in email.html
        ours = ours.replace(value, "\x00")
    assert "<script" not in email.html
    assert "49" not in ours
    for debris in ("{{", "{%", "None", "  ", "\n\n\n"):
        assert debris not in ours
    assert len(ours.split()) < WORD_LIMITS[facts.tone]
    assert len(email.subject) <= SUBJECT_MAX
    assert "\n" not in email.subject
    assert email.subject == email.subject.strip()


words = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzAZ-,&()", min_size=1, max_size=24),
    min_size=1,
    max_size=40,
).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    role=words.filter(lambda role: len(role) <= 200),
    name=typed(120),
    stage=st.sampled_from(list(Stage)),
)
def test_the_subject_fits_and_never_cuts_a_word(role: str, name: str, stage: Stage) -> None:
    facts, email = compose(MINIMAL, stage=stage, role=role, candidate={"name": name})
    subject = email.subject
    assert len(subject) <= SUBJECT_MAX
    if facts.role in subject:
        return
    head, ellipsis, _ = subject.partition("…")
    if ellipsis:
        kept = re.sub(r"^(Declining the |Withdrawing my application: )", "", head)
        assert facts.role.startswith(kept)
        assert facts.role[len(kept)] in " ,;:-–—/&(+"
    else:
        assert subject in {
            "Declining the interview",
            "Withdrawing my application",
            "Job offer",
        } or (subject.endswith(f"— {facts.candidate_name}"))


@settings(max_examples=200, deadline=None)
@given(text=st.text(min_size=1, max_size=120), limit=st.integers(min_value=1, max_value=100))
def test_shorten_keeps_whole_words(text: str, limit: int) -> None:
    short = shorten(text, limit)
    if len(text) <= limit:
        assert short == text
    elif short is not None:
        assert len(short) <= limit
        assert short.endswith("…")
        kept = short[:-1]
        assert kept
        assert text.startswith(kept)
        assert text[len(kept)] in " ,;:-–—/&(+"


@pytest.mark.parametrize(
    ("text", "ended"),
    [
        ("done", "done."),
        ("done.", "done."),
        ("Really?", "Really?"),
        ("Wow!", "Wow!"),
        ("Wait…", "Wait…"),
        ('He said "yes."', 'He said "yes."'),
        ('He said "yes"', 'He said "yes".'),
        ("(see above)", "(see above)."),
        ("Thanks 🙏", "Thanks 🙏"),
        ("Love it ❤️", "Love it ❤️"),
        ("שלום", "שלום."),
        ("هل هذا صحيح؟", "هل هذا صحيح؟"),
        ("Acme Inc.", "Acme Inc."),
    ],
)
def test_full_stop_ends_a_sentence_once(text: str, ended: str) -> None:
    assert full_stop(text) == ended
