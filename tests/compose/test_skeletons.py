"""Skeletons: messages filled in from a cached rendering per shape are the messages themselves.

The reference is rendering every template directly with the request's own texts, as the
composer did before skeletons; whatever people type, the two must agree character for
character, and the cache must be keyed by a decline's shape, never by its texts.
"""

import dataclasses
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.compose.decline import Composition, compose
from app.compose.email import compose_email
from app.compose.environment import environment, names_read
from app.compose.facts import facts_from
from app.compose.follow_ups import compose_follow_ups
from app.compose.layout import ending, full_stop
from app.compose.linkedin import compose_linkedin_note
from app.compose.phone import compose_phone_script
from app.compose.skeleton import (
    Context,
    Render,
    Step,
    cache_clear,
    cache_info,
    render_step,
    rendering_directly,
    shapes_info,
)
from app.schemas import SUPPORTED_LOCALES, Channel, DeclineRequest, ReasonCategory, Stage, Tone
from tests.compose.test_channels import RICH
from tests.conftest import every_text

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

# Endings that decide whether a sentence needs a full stop, or leave it to what comes before.
ENDINGS = [
    *["", "", "!", "?", "…", ".", "。", "؟", "😀", "👍🏽", "❤️", "👨‍👩‍👧", "\u200d"],
    *[")", '"', "'", "”", "’", "»", "]", "}", "!)", '?"', "…”", "😀)", "e\u0301", "\u0301"],
    *["—", ",", " &", " (", ":", "ß", "İ"],
]
# Template syntax, markup, placeholders' look-alikes, decomposed accents, nouns a role ends with.
CORES = [
    *["Ana Ruiz", "<b>&amp;</b> & <i>", "{{ x }}", "{% if true %}x{% endif %}", "{# c #}"],
    *["Cafe\u0301 Mu\u0308ller", "\u0301leading mark", 'O\'Brien "Bob"', "100% {0} %s"],
    *["Lead Role", "Night JOB", "x position", "An Opening", "Role", "İstanbul ROLE", "None"],
    *["\\x00 0", "日本語の名前", "مرحبا بالعالم", "a\u00a0b", "😀", "—", "()", "..."],
]


def hostile(max_size: int) -> st.SearchStrategy[str]:
    crafted = st.builds(
        lambda prefix, core, end: f"{prefix}{core}{end}",
        st.sampled_from(["", "", "Senior ", "x " * 60]),
        st.sampled_from(CORES),
        st.sampled_from(ENDINGS),
    )
    anything = st.text(
        alphabet=st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=40
    )
    # Long enough to leave parts out of the LinkedIn note, the voicemail and the subjects.
    long = st.integers(min_value=max_size // 2, max_value=max_size).map(
        lambda size: ("Principal Platform Engineer, Ünïcödé " * 20)[:size].strip()
    )
    return (
        st.one_of(crafted, crafted, anything, long)
        .map(lambda text: text[:max_size])
        .filter(lambda text: not text.isspace() and text != "")
    )


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def without_none(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}


EMAILS = st.sampled_from(["a@b.co", "o'brien&co@x.example", 'a"b@c.de', "üser@exämple.com"])
PHONES = st.sampled_from(["+1 415 555 0100", "415.555.0100 ext. 12", "+44  20 7946 0958"])
OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=5, minutes=30))])


@st.composite
def requests(draw: st.DrawFn) -> DeclineRequest:
    interview = draw(
        maybe(st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=5)))
    )
    body = without_none(
        stage=draw(st.sampled_from(list(Stage))),
        tone=draw(maybe(st.sampled_from(list(Tone)))),
        role=draw(hostile(200)),
        company=draw(hostile(200)),
        candidate=without_none(
            name=draw(hostile(120)), email=draw(maybe(EMAILS)), phone=draw(maybe(PHONES))
        ),
        recipient=draw(
            maybe(st.builds(without_none, name=hostile(120), title=maybe(hostile(120))))
        ),
        reason=without_none(
            category=draw(st.sampled_from(list(ReasonCategory))), detail=draw(maybe(hostile(500)))
        ),
        preferred_role=draw(
            maybe(st.builds(without_none, title=hostile(200), note=maybe(hostile(200))))
        ),
        referral=draw(
            maybe(
                st.builds(
                    without_none,
                    name=maybe(hostile(120)),
                    email=maybe(EMAILS),
                    relationship=maybe(hostile(120)),
                    strengths=maybe(hostile(300)),
                    timing=maybe(st.sampled_from(["now", "later"])),
                )
            )
        ),
        relationship=draw(
            st.builds(
                without_none,
                keep_in_touch=maybe(st.booleans()),
                linkedin_connected=maybe(st.booleans()),
                common_ground=maybe(hostile(300)),
                company_news=maybe(hostile(300)),
            )
        ),
        interview_at=None if interview is None else (NOW + interview).astimezone(draw(OFFSETS)),
        channels=draw(st.lists(st.sampled_from(list(Channel)), unique=True)),
        linkedin_limit=draw(st.sampled_from([200, 300])),
        locale=draw(st.sampled_from(SUPPORTED_LOCALES)),
    )
    return DeclineRequest.model_validate(body)


def dumped(composition: Composition) -> dict[str, Any]:
    return {
        "messages": composition.messages.model_dump(),
        "guidance": [item.model_dump() for item in composition.guidance],
    }


@settings(max_examples=150, deadline=None, derandomize=True)
@given(request=requests())
def test_skeletons_say_exactly_what_direct_rendering_says(request: DeclineRequest) -> None:
    with rendering_directly():
        expected = dumped(compose(request, now=NOW))
    filled = dumped(compose(request, now=NOW))
    assert filled == expected
    for text in every_text(filled):
        assert "\x00" not in text
        assert "\x01" not in text


def test_texts_holding_placeholders_are_printed_as_they_are() -> None:
    # Validation refuses control characters now; a request made some other way may still
    # hold them. These spell a placeholder and a stop.
    valid = DeclineRequest.model_validate(RICH)
    assert valid.referral is not None
    request = valid.model_copy(
        update={
            "candidate": valid.candidate.model_copy(
                update={"email": "a\x000\x00b\x011\x01@example.com"}
            ),
            "referral": valid.referral.model_copy(update={"email": "\x002\x00@example.com"}),
        }
    )
    with rendering_directly():
        expected = dumped(compose(request, now=NOW))
    filled = dumped(compose(request, now=NOW))
    assert filled == expected
    assert "a\x000\x00b\x011\x01@example.com" in filled["messages"]["email"]["text"]


def test_the_cache_is_keyed_by_shape_not_by_texts() -> None:
    base: dict[str, Any] = {
        "stage": "offer",
        "reason": {"category": "timing", "detail": "I am staying put"},
        "role": "Data Engineer",
        "company": "Acme",
        "candidate": {"name": "Ana Ruiz", "email": "ana@example.com"},
        "recipient": {"name": "Jordan Lee"},
        "referral": {"name": "Sam Patel", "timing": "later"},
    }
    # Every text different, down to how each ends a sentence; the shape the same.
    other: dict[str, Any] = {
        **base,
        "reason": {"category": "timing", "detail": "Staying put, sorry!"},
        "role": "Web Designer 😀",
        "company": "Globex (EU)",
        "candidate": {"name": "Bo <Lee> & Co", "email": "bo@example.org"},
        "recipient": {"name": "Kim Ng?"},
        "referral": {"name": "Max…", "timing": "later"},
    }
    cache_clear()
    first = compose(DeclineRequest.model_validate(base), now=NOW)
    built = cache_info()
    second = compose(DeclineRequest.model_validate(other), now=NOW)
    reused = cache_info()
    assert built.misses > 0
    # The second decline found every skeleton in its shape's table, built nothing new and did
    # not even look in the skeletons' own cache.
    assert reused == built
    assert shapes_info().currsize == 1
    assert shapes_info().hits == 1
    assert "I am staying put." in first.messages.email.text
    assert "Staying put, sorry!" in second.messages.email.text
    assert "sorry!." not in second.messages.email.text


def test_a_text_that_would_not_lay_out_inline_is_rendered_directly() -> None:
    # Validation folds such whitespace away; facts made some other way still come out right.
    facts = facts_from(DeclineRequest.model_validate(RICH))
    odd = dataclasses.replace(facts, detail="  two\nlines ", company="Acme\u2028Labs ")
    assert not odd.inline
    with rendering_directly():
        expected = (
            compose_email(odd),
            compose_phone_script(odd),
            compose_linkedin_note(odd, limit=200),
            compose_follow_ups(odd),
        )
    assert (
        compose_email(odd),
        compose_phone_script(odd),
        compose_linkedin_note(odd, limit=200),
        compose_follow_ups(odd),
    ) == expected


def test_a_text_not_given_prints_as_the_template_would_print_it() -> None:
    # No template prints an absent text unguarded; if one did, it would print None either way.
    def unguarded(_: Render, templates: tuple[str, ...], context: Context) -> tuple[str, ...]:
        page = environment().from_string("{{ referral_name }}|{{ detail }}|{{ stop(role) }}")
        return (page.render(context),)

    step = Step(("phone/talking_points.txt",), unguarded)
    facts = facts_from(DeclineRequest.model_validate({**RICH, "referral": None}))
    with rendering_directly():
        expected = render_step(step, facts)
    assert render_step(step, facts) == expected == (f"None|{facts.detail}|{facts.role}.",)


def test_the_names_a_template_reads_include_its_imports() -> None:
    names = names_read("email/body/warm.txt")
    assert {"role", "role_ends_with_noun", "referral_strengths", "stop"} <= names
    assert "candidate_phone" not in names


@pytest.mark.parametrize("role", ["Lead Role", "Night JOB", "x position", "An Opening"])
def test_a_role_that_names_itself_gets_no_second_noun(role: str) -> None:
    facts = facts_from(DeclineRequest.model_validate({**RICH, "role": role}))
    assert facts.role_ends_with_noun
    assert f"the {role} at" in compose_email(facts).text


@settings(max_examples=300, deadline=None, derandomize=True)
@given(prefix=st.text(max_size=8), text=st.text(max_size=8))
def test_a_text_that_has_a_say_decides_its_ending_whatever_comes_before(
    prefix: str, text: str
) -> None:
    # What lets a stop be decided by the wording after the last text, or by a text alone.
    decided = ending(text)
    if decided is not None:
        assert ending(prefix + text) == decided
        assert full_stop(prefix + text) == prefix + text + decided
