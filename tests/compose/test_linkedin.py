"""The LinkedIn note: composed to fit its limit, never cut, for any names people have."""

import itertools
import unicodedata
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.compose.facts import Facts, facts_from
from app.compose.layout import full_stop
from app.compose.linkedin import compose_linkedin_note
from app.schemas import DeclineRequest, ReasonCategory, Stage, Tone
from tests.compose.test_channels import LONG, MINIMAL, RICH, assert_tidy

LIMITS = (200, 300)
COMBINATIONS = list(itertools.product(Stage, ReasonCategory, Tone))


def facts(base: dict[str, Any], **changes: Any) -> Facts:
    return facts_from(DeclineRequest.model_validate({**base, **changes}))


def ends_whole(text: str, candidate_name: str) -> bool:
    """A note ends a sentence or with the candidate's whole name, never with a fragment."""
    return full_stop(text) == text or text.endswith(unicodedata.normalize("NFC", candidate_name))


@pytest.mark.parametrize(("stage", "reason", "tone"), COMBINATIONS)
def test_a_rich_note_fits_and_keeps_what_matters(
    stage: Stage, reason: ReasonCategory, tone: Tone
) -> None:
    for limit in LIMITS:
        fact = facts(RICH, stage=stage, tone=tone, reason={"category": reason})
        note, shortened = compose_linkedin_note(fact, limit=limit)
        assert_tidy(note.text)
        assert note.length == len(note.text) <= limit
        assert note.limit == limit
        assert note.kind == "connection_request"
        assert "\n" not in note.text
        assert note.text.startswith(("Hi Jordan Lee", "Dear Jordan Lee"))
        assert "Senior Data Engineer" in note.text
        assert "in touch" in note.text
        assert ends_whole(note.text, "Ana Ruiz")
        # Everything fits in 300 except the longest formal wording, which drops the least.
        if limit == 300:
            assert "Engineering Manager, Data Platform" in note.text
            assert "Acme Analytics" in note.text
        assert shortened is (limit == 200 or "(a leadership role)" not in note.text)


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_a_minimal_note_is_never_shortened(stage: Stage, tone: Tone) -> None:
    for limit in LIMITS:
        note, shortened = compose_linkedin_note(facts(MINIMAL, stage=stage, tone=tone), limit=limit)
        assert_tidy(note.text)
        assert not shortened
        assert note.text.startswith(("Hi,", "Hi —", "Hello,"))
        assert "Senior Data Engineer role at Acme Analytics" in note.text or (
            "Senior Data Engineer offer from Acme Analytics" in note.text
        )
        assert note.text.endswith("Ana Ruiz")


@pytest.mark.parametrize("tone", list(Tone))
def test_connected_people_get_a_direct_message(tone: Tone) -> None:
    connected = {**RICH["relationship"], "linkedin_connected": True}
    for limit in LIMITS:
        note, _ = compose_linkedin_note(facts(RICH, tone=tone, relationship=connected), limit=limit)
        assert note.kind == "message"
        assert note.length == len(note.text) <= limit
        assert "again" in note.text
        assert_tidy(note.text)


@pytest.mark.parametrize("tone", list(Tone))
def test_without_keeping_in_touch_the_note_just_wishes_them_well(tone: Tone) -> None:
    note, _ = compose_linkedin_note(
        facts(MINIMAL, tone=tone, relationship={"keep_in_touch": False}), limit=200
    )
    assert_tidy(note.text)
    assert "touch" not in note.text
    assert "decline" in note.text


@pytest.mark.parametrize(("stage", "tone"), list(itertools.product(Stage, Tone)))
def test_the_longest_names_leave_out_whole_parts(stage: Stage, tone: Tone) -> None:
    for limit in LIMITS:
        note, shortened = compose_linkedin_note(facts(LONG, stage=stage, tone=tone), limit=limit)
        assert shortened
        assert note.length == len(note.text) <= limit
        assert_tidy(note.text)
        assert "…" not in note.text
        # A name or title is in the note whole, or not at all.
        for value in (LONG["role"], LONG["company"], LONG["recipient"]["name"]):
            first_word = value.split()[0]
            assert value in note.text or first_word not in note.text
        assert ends_whole(note.text, LONG["candidate"]["name"])


# Names people have: any script, emoji with modifiers, combining marks, spaces anywhere.
PIECES = [
    "é",
    "e\u0301",
    "Å",
    "ß",
    "İ",
    "👍🏽",
    "👩‍💻",
    "🇪🇸",
    "مر",
    "שׁ",
    "中文",
    "Ω",
    "ǅ",
    " ",
    "-",
    "'",
]


def typed(max_size: int) -> st.SearchStrategy[str]:
    anything = st.characters(exclude_categories=("Cs", "Cc"), exclude_characters="{}")
    return st.one_of(
        st.text(alphabet=anything, min_size=1, max_size=max_size),
        st.lists(st.sampled_from(PIECES), min_size=1, max_size=max_size // 3).map("".join),
        st.integers(max_size - 12, max_size).map(lambda size: ("Bartholomew " * 20)[:size]),
    )


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {
        "stage": draw(st.sampled_from(list(Stage))),
        "tone": draw(st.sampled_from(list(Tone))),
        "role": draw(typed(200)),
        "company": draw(typed(200)),
        "candidate": {"name": draw(typed(120))},
        "reason": {"category": "other"},
        "relationship": {
            "keep_in_touch": draw(st.booleans()),
            "linkedin_connected": draw(st.booleans()),
        },
    }
    if draw(st.booleans()):
        body["recipient"] = {"name": draw(typed(120))}
    if draw(st.booleans()):
        body["preferred_role"] = {"title": draw(typed(200))}
        if draw(st.booleans()):
            body["preferred_role"]["note"] = draw(typed(200))
    return body


@settings(max_examples=200, deadline=None)
@given(body=requests(), limit=st.sampled_from(LIMITS))
def test_any_note_fits_its_limit_and_ends_whole(body: dict[str, Any], limit: int) -> None:
    try:
        request = DeclineRequest.model_validate(body)
    except ValidationError:
        assume(False)  # blank after folding whitespace, or too long
        raise
    fact = facts_from(request)
    # The markers below must come from us to count as leaks, so inputs holding them are skipped.
    typed_text = " ".join(v for v in fact.context().values() if isinstance(v, str))
    assume(not any(marker in typed_text for marker in ("None", "{{", "{%", "…")))
    note, _ = compose_linkedin_note(fact, limit=limit)
    assert note.length == len(note.text) <= limit
    assert note.text == unicodedata.normalize("NFC", note.text)
    assert "None" not in note.text
    assert "{{" not in note.text
    assert "{%" not in note.text
    assert "…" not in note.text
    assert ends_whole(note.text, fact.candidate_name)


def test_template_syntax_in_a_name_stays_literal() -> None:
    note, _ = compose_linkedin_note(
        facts(MINIMAL, candidate={"name": "{{ 7*7 }}"}, company="{% if 1 %}x{% endif %}"),
        limit=300,
    )
    assert "{{ 7*7 }}" in note.text
    assert "{% if 1 %}x{% endif %}" in note.text
    assert "49" not in note.text
