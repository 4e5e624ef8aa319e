"""The phone script and the follow-ups, composed directly for every stage, reason and tone."""

import itertools
import re
from typing import Any

import pytest

from app.api.examples import OFFER_EXAMPLE
from app.compose.facts import Facts, facts_from
from app.compose.follow_ups import compose_follow_ups
from app.compose.layout import SUBJECT_MAX
from app.compose.phone import VOICEMAIL_MAX_WORDS, compose_phone_script, spoken_words
from app.schemas import DeclineRequest, FollowUpKind, ReasonCategory, Stage, Tone

WHEN = "Tuesday, December 1 at 3:00 PM"
# The contract's own example, without the fields each test sets itself.
RICH: dict[str, Any] = {
    key: value
    for key, value in OFFER_EXAMPLE.items()
    if key not in ("tone", "locale", "channels", "linkedin_limit")
}
MINIMAL: dict[str, Any] = {
    "stage": "offer",
    "reason": {"category": "other"},
    "role": "Senior Data Engineer",
    "company": "Acme Analytics",
    "candidate": {"name": "Ana Ruiz"},
}
LATER = {**RICH["referral"], "timing": "later"}
COMBINATIONS = list(itertools.product(Stage, ReasonCategory, Tone))
# The spoken script runs 45-90 seconds at about 150 words a minute.
SPOKEN_WORDS = range(110, 221)
PRONOUNS = (" he ", " she ", " his ", " her ", " him ", " hers ")
SIGN_OFFS = {"warm": "Best wishes,", "formal": "Kind regards,", "brief": "Best,"}


def facts(base: dict[str, Any], **changes: Any) -> Facts:
    return facts_from(DeclineRequest.model_validate({**base, **changes}))


def assert_tidy(text: str) -> None:
    """The rules every text we compose keeps, whatever it says."""
    assert text
    assert text == text.strip()
    assert "\n\n\n" not in text
    assert "  " not in text
    assert all(line == line.rstrip() for line in text.splitlines())
    for debris in ("{{", "}}", "{%", "%}", "{#", "None", "\t", "..", ",.", ".,", "—.", "—,"):
        assert debris not in text, debris
    assert not re.search(r" [,.;:!?)]", text)
    assert not any(pronoun in f" {text.lower()} " for pronoun in PRONOUNS)


# The phone script.


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_the_call_says_everything_given(stage: Stage, reason: ReasonCategory, tone: Tone) -> None:
    detail = RICH["reason"]["detail"]
    script = compose_phone_script(
        facts(RICH, stage=stage, tone=tone, reason={"category": reason, "detail": detail})
    )
    text = script.text
    assert_tidy(text)
    assert spoken_words(text) in SPOKEN_WORDS
    assert re.match(r"(Hi|Hello) Jordan Lee, (this is|it's) Ana Ruiz\.", text)
    for value in ("Senior Data Engineer", "Acme Analytics", detail, "a leadership role"):
        assert value in text
    assert "Engineering Manager, Data Platform" in text
    assert "Sam Patel, a former colleague" in text
    assert "five years building streaming pipelines" in text
    assert "stay in touch" in text
    assert "LinkedIn" in text
    assert "email" in text.split("\n\n")[-1]
    decision = {"interview": "withdraw my application", "candidacy": "withdraw my candidacy"}
    assert decision.get(stage, "decline the offer") in text
    assert (WHEN in text) is (stage == Stage.interview)
    if stage == Stage.interview:
        assert "getting to know you" not in text  # they have not met yet


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_the_call_invents_nothing(stage: Stage, reason: ReasonCategory, tone: Tone) -> None:
    script = compose_phone_script(
        facts(MINIMAL, stage=stage, tone=tone, reason={"category": reason})
    )
    text = script.text
    assert_tidy(text)
    assert spoken_words(text) in SPOKEN_WORDS
    assert re.match(r"(Hi|Hello), (this is|it's) Ana Ruiz, calling about ", text)
    assert "the Senior Data Engineer role at Acme Analytics" in text
    for absent in ("recommend", "December", "roles like", "roles such as", "—  "):
        assert absent not in text
    assert "stay in touch" in text  # keep_in_touch defaults to true
    assert not re.search(r"\d", script.voicemail)  # no callback number was given
    assert "email" in script.voicemail


@pytest.mark.parametrize(("base", "points"), [(RICH, 6), (MINIMAL, 3)])
@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_talking_points_are_short_plain_notes(
    base: dict[str, Any], points: int, stage: Stage, tone: Tone
) -> None:
    script = compose_phone_script(facts(base, stage=stage, tone=tone))
    assert len(script.talking_points) == points
    for point in script.talking_points:
        assert_tidy(point)
        assert "\n" not in point
        assert not point.startswith(("-", "*", "•"))
        assert len(point.split()) <= 14
    assert script.talking_points[0].startswith("Thank ")
    assert "email" in script.talking_points[-1]


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_the_voicemail_says_who_why_and_how_to_call_back(stage: Stage, tone: Tone) -> None:
    voicemail = compose_phone_script(facts(RICH, stage=stage, tone=tone)).voicemail
    assert_tidy(voicemail)
    assert "\n" not in voicemail
    assert spoken_words(voicemail) <= VOICEMAIL_MAX_WORDS
    for value in ("Jordan Lee", "Ana Ruiz", "Senior Data Engineer", "+1 415 555 0100", "email"):
        assert value in voicemail
    assert (WHEN in voicemail) is (stage == Stage.interview)
    assert "Sam Patel" not in voicemail


def _words(prefix: str, size: int) -> str:
    """Ordinary-looking words up to `size` characters, each starting with `prefix`."""
    words = (f"{prefix}{index:x}" for index in itertools.count(10))
    text = next(words)
    for word in words:
        if len(text) + len(word) + 1 > size:
            return text
        text = f"{text} {word}"
    raise AssertionError  # pragma: no cover


LONG: dict[str, Any] = {
    **RICH,
    "role": _words("Role", 200),
    "company": _words("Co", 200),
    "candidate": {"name": _words("Ana", 120), "phone": "+1 (415) 555-0100 ext. 12"},
    "recipient": {"name": _words("Jo", 120)},
}


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_the_voicemail_stays_short_with_the_longest_names(stage: Stage, tone: Tone) -> None:
    voicemail = compose_phone_script(facts(LONG, stage=stage, tone=tone)).voicemail
    assert_tidy(voicemail)
    assert spoken_words(voicemail) <= VOICEMAIL_MAX_WORDS
    assert LONG["candidate"]["name"] in voicemail
    assert "+1 (415) 555-0100 ext. 12" in voicemail
    assert "email" in voicemail


@pytest.mark.parametrize("tone", list(Tone))
def test_the_call_leaves_a_later_referral_for_its_follow_up(tone: Tone) -> None:
    script = compose_phone_script(facts(RICH, tone=tone, referral=LATER))
    assert "Sam Patel" not in script.text
    assert "recommend" not in script.text
    assert not any("Sam Patel" in point for point in script.talking_points)


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize(
    ("referral", "expected"),
    [
        ({}, "recommend someone I trust for the role."),
        ({"relationship": "my mentor"}, "recommend my mentor."),
        (
            {"strengths": "ten years of SQL"},
            "recommend someone from my network with ten years of SQL.",
        ),
        ({"name": "Sam Patel"}, "for the role: Sam Patel. I"),
        ({"name": "Sam Patel", "strengths": "SQL."}, "Sam Patel. They bring SQL. I"),
    ],
)
def test_the_call_offers_what_is_known_of_the_referral(
    tone: Tone, referral: dict[str, str], expected: str
) -> None:
    text = compose_phone_script(facts(RICH, tone=tone, referral=referral)).text
    assert_tidy(text)
    assert expected in text


@pytest.mark.parametrize("tone", list(Tone))
def test_staying_in_touch_follows_the_relationship_on_the_call(tone: Tone) -> None:
    apart = compose_phone_script(facts(RICH, tone=tone, relationship={"keep_in_touch": False}))
    assert "stay in touch" not in apart.text
    assert "LinkedIn" not in apart.text
    assert spoken_words(apart.text) in SPOKEN_WORDS
    connected = compose_phone_script(
        facts(RICH, tone=tone, relationship={"linkedin_connected": True})
    )
    assert "stay in touch" in connected.text
    assert "LinkedIn" not in connected.text


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize(
    ("detail", "sentence"),
    [("My father is unwell", "My father is unwell."), ("Is that okay?", "Is that okay?")],
)
def test_the_detail_is_spoken_verbatim(tone: Tone, detail: str, sentence: str) -> None:
    text = compose_phone_script(
        facts(MINIMAL, tone=tone, reason={"category": "personal", "detail": detail})
    ).text
    assert f" {sentence}\n" in text


# The follow-ups.


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_follow_ups_bring_the_referral_and_the_check_ins(
    stage: Stage, reason: ReasonCategory, tone: Tone
) -> None:
    follow_ups = compose_follow_ups(
        facts(RICH, stage=stage, tone=tone, reason={"category": reason}, referral=LATER)
    )
    assert [(f.kind, f.send_after_days) for f in follow_ups] == [
        (FollowUpKind.referral, 2),
        (FollowUpKind.check_in, 90),
        (FollowUpKind.check_in, 270),
    ]
    for follow_up in follow_ups:
        assert_tidy(follow_up.text)
        assert_tidy(follow_up.subject)
        assert len(follow_up.subject) <= SUBJECT_MAX
        assert "\n" not in follow_up.subject
        assert re.match(r"(Hi|Dear) Jordan Lee,\n\n", follow_up.text)
        assert follow_up.text.endswith(f"\n\n{SIGN_OFFS[tone]}\nAna Ruiz")
        assert "Senior Data Engineer" in follow_up.text or follow_up.send_after_days == 270
    referral, first, second = (follow_up.text for follow_up in follow_ups)
    for value in ("Sam Patel", "a former colleague", "five years building", "sam@example.com"):
        assert value in referral
    assert "Sam Patel" in follow_ups[0].subject
    assert "the launch of your real-time analytics product" in first
    for check_in in (first, second):
        assert "our shared interest in open-source data tooling" in check_in
        assert "Engineering Manager, Data Platform" in check_in
        assert "no need to reply" in check_in.lower()  # never chasing
        assert "?" not in check_in
        assert "Sam Patel" not in check_in
        assert "getting to know" not in check_in


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_minimal_check_ins_greet_the_team_and_invent_nothing(stage: Stage, tone: Tone) -> None:
    follow_ups = compose_follow_ups(facts(MINIMAL, stage=stage, tone=tone))
    assert [(f.kind, f.send_after_days) for f in follow_ups] == [
        (FollowUpKind.check_in, 90),
        (FollowUpKind.check_in, 270),
    ]
    for follow_up in follow_ups:
        assert_tidy(follow_up.text)
        assert re.match(r"(Hi|Dear) Acme Analytics hiring team,\n\n", follow_up.text)
        assert follow_up.text.endswith("\nAna Ruiz")
        for absent in ("congratulat", "roles like", "roles such as", "compare notes", "recommend"):
            assert absent not in follow_up.text.lower()


@pytest.mark.parametrize("tone", list(Tone))
def test_which_follow_ups_are_composed(tone: Tone) -> None:
    def kinds(**changes: Any) -> list[FollowUpKind]:
        return [
            follow_up.kind for follow_up in compose_follow_ups(facts(RICH, tone=tone, **changes))
        ]

    apart = {"keep_in_touch": False}
    assert kinds() == [FollowUpKind.check_in] * 2  # referral now: it is in the decline itself
    assert kinds(referral=LATER, relationship=apart) == [FollowUpKind.referral]
    assert kinds(relationship=apart) == []
    assert kinds(referral=None, relationship=apart) == []


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize(
    ("referral", "expected"),
    [
        ({}, r"recommend (someone|a candidate) I trust for (it|the position)\."),
        ({"relationship": "my mentor"}, r"recommend my mentor\."),
        ({"strengths": "SQL."}, r"recommend someone from my network who brings SQL\. "),
        ({"name": "Sam Patel", "strengths": "ten years of SQL"}, r"Sam Patel, who brings ten"),
    ],
)
def test_the_referral_follow_up_says_what_is_known(
    tone: Tone, referral: dict[str, str], expected: str
) -> None:
    (follow_up,) = compose_follow_ups(
        facts(
            RICH,
            tone=tone,
            referral={**referral, "timing": "later"},
            relationship={"keep_in_touch": False},
        )
    )
    assert_tidy(follow_up.text)
    assert re.search(expected, follow_up.text)


@pytest.mark.parametrize("tone", list(Tone))
def test_subjects_shorten_at_word_boundaries(tone: Tone) -> None:
    long_referral = {"name": _words("Sam", 120), "timing": "later"}
    for referral in (LATER, long_referral):
        for follow_up in compose_follow_ups(facts(LONG, tone=tone, referral=referral)):
            subject = follow_up.subject
            assert_tidy(subject)
            assert len(subject) <= SUBJECT_MAX
            head, ellipsis, tail = subject.partition("…")
            assert not tail
            if ellipsis:
                assert head.split()[-1] in LONG["role"].split()


ABBREVIATED: dict[str, Any] = {
    **RICH,
    "company": "Acme Co.",
    "candidate": {"name": "Ana Ruiz Jr.", "phone": "+1 415 555 0100"},
    "recipient": {"name": "Jordan Lee Sr."},
    "preferred_role": {"title": "Head of Data Eng.", "note": "a leadership role, etc."},
    "referral": {
        "name": "Sam Patel Jr.",
        "relationship": "my manager at Foo Ltd.",
        "strengths": "SQL, Kafka, etc.",
        "timing": "now",
    },
    "relationship": {**RICH["relationship"], "company_news": "your move to Ottawa, Ont."},
}


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_names_ending_in_a_full_stop_do_not_get_a_second_one(stage: Stage, tone: Tone) -> None:
    for referral in (ABBREVIATED["referral"], {**ABBREVIATED["referral"], "timing": "later"}):
        fact = facts(ABBREVIATED, stage=stage, tone=tone, referral=referral)
        script = compose_phone_script(fact)
        texts = [script.text, script.voicemail, *script.talking_points]
        texts += [follow_up.text for follow_up in compose_follow_ups(fact)]
        for text in texts:
            assert ".." not in text
        assert "Acme Co." in script.text


@pytest.mark.parametrize("tone", list(Tone))
@pytest.mark.parametrize("typed", ["{{ 7*7 }}", "{% raw %}", "<b>None</b>", "Zoë 👩🏽‍💻 شكرا"])
def test_what_people_type_comes_back_literally(tone: Tone, typed: str) -> None:
    body = {
        **RICH,
        "role": typed,
        "company": typed,
        "candidate": {"name": typed, "phone": "+1 415 555 0100"},
        "recipient": {"name": typed},
        "reason": {"category": "personal", "detail": typed},
        "preferred_role": {"title": typed, "note": typed},
        "referral": {"name": typed, "relationship": typed, "strengths": typed, "timing": "later"},
        "relationship": {"common_ground": typed, "company_news": typed},
    }
    fact = facts(body, tone=tone, stage="interview")
    script = compose_phone_script(fact)
    follow_ups = compose_follow_ups(fact)
    texts = [script.text, script.voicemail, "\n".join(script.talking_points)]
    texts += [text for follow_up in follow_ups for text in (follow_up.subject, follow_up.text)]
    for text in texts:
        assert typed in text
        assert "49" not in text
        assert text == text.strip()
        assert "  " not in text
        assert "\n\n\n" not in text
