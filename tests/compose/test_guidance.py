"""The advice to the candidate, with the clock pinned."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.compose.facts import facts_from
from app.compose.guidance import advise
from app.schemas import (
    DeclineRequest,
    Guidance,
    GuidanceCode,
    ReasonCategory,
    Severity,
    Stage,
    Tone,
)
from tests.compose.test_channels import LATER, MINIMAL, RICH, assert_tidy

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
WARNINGS = {GuidanceCode.interview_imminent, GuidanceCode.interview_passed}


def advice(base: dict[str, Any], *, note_shortened: bool = False, **changes: Any) -> list[Guidance]:
    request = DeclineRequest.model_validate({**base, **changes})
    return advise(request, facts_from(request), now=NOW, note_shortened=note_shortened)


def codes(base: dict[str, Any], **changes: Any) -> list[GuidanceCode]:
    return [item.code for item in advice(base, **changes)]


def at(delta: timedelta) -> str:
    return (NOW + delta).isoformat()


def assert_well_formed(items: list[Guidance]) -> None:
    assert len({item.code for item in items}) == len(items)
    severities = [item.severity for item in items]
    assert severities == sorted(severities, key=lambda severity: severity != Severity.warning)
    for item in items:
        assert_tidy(item.message)
        assert "\n" not in item.message
        assert (item.severity == Severity.warning) is (item.code in WARNINGS)


@pytest.mark.parametrize("stage", list(Stage))
def test_an_interview_within_a_day_means_call_now(stage: Stage) -> None:
    items = advice(RICH, stage=stage, interview_at=at(timedelta(hours=5)))
    assert_well_formed(items)
    first = items[0]
    assert first.code == GuidanceCode.interview_imminent
    assert first.severity == Severity.warning
    assert "in about 5 hours" in first.message
    assert "Call Jordan Lee now" in first.message
    assert "phone script" in first.message
    assert GuidanceCode.send_promptly not in [item.code for item in items]


def test_an_interview_in_minutes_is_less_than_an_hour_away() -> None:
    (first, *_) = advice(RICH, stage="interview", interview_at=at(timedelta(minutes=20)))
    assert "less than an hour away" in first.message


def test_an_interview_days_away_is_not_imminent_but_still_urgent() -> None:
    items = advice(RICH, stage="interview", interview_at=at(timedelta(days=5)))
    assert_well_formed(items)
    assert GuidanceCode.interview_imminent not in [item.code for item in items]
    assert all(item.severity == Severity.info for item in items)
    (promptly,) = [item for item in items if item.code == GuidanceCode.send_promptly]
    assert "well before the interview on Monday, November 30 at 12:00 PM" in promptly.message


def test_a_past_interview_is_flagged_only_when_declining_the_interview() -> None:
    items = advice(RICH, stage="interview", interview_at=at(-timedelta(hours=3)))
    assert_well_formed(items)
    assert items[0].code == GuidanceCode.interview_passed
    assert items[0].severity == Severity.warning
    assert "already passed" in items[0].message
    for stage in ("candidacy", "offer"):
        assert not WARNINGS & set(codes(RICH, stage=stage, interview_at=at(-timedelta(days=2))))


@pytest.mark.parametrize(
    ("stage", "reason", "tone"), list(itertools.product(Stage, ReasonCategory, Tone))
)
def test_every_decline_gets_the_core_advice(
    stage: Stage, reason: ReasonCategory, tone: Tone
) -> None:
    for base in (RICH, MINIMAL):
        items = advice(base, stage=stage, tone=tone, reason={"category": reason})
        assert_well_formed(items)
        found = [item.code for item in items]
        assert GuidanceCode.call_first in found
        assert GuidanceCode.send_promptly in found
        assert GuidanceCode.connect_linkedin in found
        assert GuidanceCode.check_ins_scheduled in found
        negotiating = stage == Stage.offer and reason == ReasonCategory.compensation
        assert (GuidanceCode.consider_negotiating in found) is negotiating


def test_the_rich_request_advice_in_order() -> None:
    assert codes(RICH) == [
        GuidanceCode.send_promptly,
        GuidanceCode.call_first,
        GuidanceCode.referral_consent,
        GuidanceCode.review_detail,
        GuidanceCode.connect_linkedin,
        GuidanceCode.check_ins_scheduled,
    ]
    assert codes(MINIMAL) == [
        GuidanceCode.send_promptly,
        GuidanceCode.call_first,
        GuidanceCode.recipient_missing,
        GuidanceCode.connect_linkedin,
        GuidanceCode.check_ins_scheduled,
    ]


def test_advice_follows_the_request() -> None:
    assert GuidanceCode.referral_later in codes(RICH, referral=LATER)
    assert GuidanceCode.referral_later not in codes(RICH)
    assert GuidanceCode.referral_consent not in codes(RICH, referral={"timing": "later"})
    assert GuidanceCode.connect_linkedin not in codes(
        RICH, relationship={"linkedin_connected": True}
    )
    assert GuidanceCode.check_ins_scheduled not in codes(
        RICH, relationship={"keep_in_touch": False}
    )
    assert GuidanceCode.recipient_missing in codes(RICH, recipient=None)
    assert GuidanceCode.review_detail not in codes(RICH, reason={"category": "personal"})
    shortened = advice(RICH, note_shortened=True, linkedin_limit=200)
    (note,) = [item for item in shortened if item.code == GuidanceCode.note_shortened]
    assert "200-character limit (premium accounts allow 300)" in note.message
    assert GuidanceCode.note_shortened not in codes(RICH)


def test_messages_follow_the_requested_channels() -> None:
    def message(code: GuidanceCode, **changes: Any) -> str:
        return next(item.message for item in advice(RICH, **changes) if item.code == code)

    email_only = {"channels": ["email"]}
    assert "phone script" in message(GuidanceCode.call_first)
    assert "phone script" not in message(GuidanceCode.call_first, **email_only)
    assert "3 and 9 months" in message(GuidanceCode.check_ins_scheduled)
    assert "drafted" not in message(GuidanceCode.check_ins_scheduled, **email_only)
    assert "drafted" in message(GuidanceCode.referral_later, referral=LATER)
    assert "drafted" not in message(GuidanceCode.referral_later, referral=LATER, **email_only)
    assert "note" not in message(GuidanceCode.connect_linkedin, **email_only)


def test_every_code_has_a_message() -> None:
    seen: set[GuidanceCode] = set()
    for changes in (
        {"interview_at": at(timedelta(hours=2))},
        {"stage": "interview", "interview_at": at(-timedelta(hours=2))},
        {"reason": {"category": "compensation", "detail": "{{ 7*7 }}"}, "referral": LATER},
        {"recipient": None},
    ):
        items = advice(RICH, note_shortened=True, **changes)
        assert_well_formed(items)
        seen |= {item.code for item in items}
    assert seen == set(GuidanceCode)


def test_user_text_in_advice_stays_literal() -> None:
    items = advice(
        RICH, recipient={"name": "{{ 7*7 }}"}, referral={"name": "{% raw %}", "timing": "later"}
    )
    messages = " ".join(item.message for item in items)
    assert "{{ 7*7 }}" in messages
    assert "{% raw %}" in messages
    assert "49" not in messages
