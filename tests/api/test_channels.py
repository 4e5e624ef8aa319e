"""Every channel, for every stage, reason and tone, composed and stored through the HTTP API."""

import itertools
from datetime import timedelta, timezone
from typing import Any

import pytest
from httpx import AsyncClient

from app.schemas import ReasonCategory, Stage, Tone
from tests.conftest import PINNED_NOW, decline_request, every_text

pytestmark = pytest.mark.anyio
ALL = {"email", "phone_script", "linkedin_note", "follow_ups"}


async def test_every_combination_stores_and_returns_every_channel(client: AsyncClient) -> None:
    for stage, reason, tone in itertools.product(Stage, ReasonCategory, Tone):
        body = decline_request(
            stage=stage.value, reason={"category": reason.value}, tone=tone.value
        )
        created = await client.post("/v1/declines", json=body)
        assert created.status_code == 201, (stage, reason, tone, created.text)
        decline = created.json()
        assert set(decline["messages"]) == ALL
        stored = (await client.get(created.headers["location"])).json()
        assert stored == decline
        messages = stored["messages"]
        for text in [
            messages["email"]["text"],
            messages["phone_script"]["text"],
            messages["linkedin_note"]["text"],
            *(follow_up["text"] for follow_up in messages["follow_ups"]),
        ]:
            # Jordan Lee is addressed as a person would address them, never by the full name.
            assert "Jordan" in text, (stage, reason, tone)
            assert "Jordan Lee" not in text, (stage, reason, tone)
            assert "{{" not in text
            assert "None" not in text
        note = messages["linkedin_note"]
        assert note["length"] == len(note["text"]) <= note["limit"] == 200
        assert 3 <= len(messages["phone_script"]["talking_points"]) <= 8
        assert "call_first" in {item["code"] for item in stored["guidance"]}


async def test_referral_later_goes_to_a_follow_up_and_never_in_the_email(
    client: AsyncClient,
) -> None:
    referral = {"name": "Sam Patel", "relationship": "a former colleague", "timing": "later"}
    decline = (await client.post("/v1/declines", json=decline_request(referral=referral))).json()
    messages = decline["messages"]
    assert "Sam Patel" not in messages["email"]["text"]
    assert "recommend" not in messages["email"]["text"].lower()
    referrals = [f for f in messages["follow_ups"] if f["kind"] == "referral"]
    assert len(referrals) == 1
    assert "Sam Patel" in referrals[0]["text"]
    assert referrals[0]["send_after_days"] >= 1
    assert "referral_later" in {item["code"] for item in decline["guidance"]}

    now = (await client.post("/v1/declines", json=decline_request())).json()["messages"]
    assert "Sam Patel" in now["email"]["text"]
    assert all(f["kind"] != "referral" for f in now["follow_ups"])


async def test_no_check_ins_without_keep_in_touch(client: AsyncClient) -> None:
    body = decline_request(relationship={"keep_in_touch": False}, referral=None)
    decline = (await client.post("/v1/declines", json=body)).json()
    assert decline["messages"]["follow_ups"] == []


@pytest.mark.parametrize(
    ("hours", "expected", "absent"),
    [
        (5, "interview_imminent", "interview_passed"),
        (24 * 5, None, "interview_imminent"),
        (-3, "interview_passed", "interview_imminent"),
    ],
)
async def test_interview_timing_guidance_with_the_clock_pinned(
    client: AsyncClient,
    pinned: None,
    hours: int,
    expected: str | None,
    absent: str,
) -> None:
    interview_at = (PINNED_NOW + timedelta(hours=hours)).isoformat()
    body = decline_request(stage="interview", interview_at=interview_at)
    decline: dict[str, Any] = (await client.post("/v1/declines", json=body)).json()
    codes = [item["code"] for item in decline["guidance"]]
    if expected:
        assert expected in codes
        assert decline["guidance"][0]["code"] == expected
        assert decline["guidance"][0]["severity"] == "warning"
    assert absent not in codes


@pytest.mark.parametrize(("locale", "tag"), [("en", "en"), ("en-GB", "en-GB"), ("EN-au", "en-AU")])
async def test_the_html_email_is_marked_with_the_requests_locale(
    client: AsyncClient, locale: str, tag: str
) -> None:
    created = await client.post("/v1/declines", json=decline_request(locale=locale))
    assert created.status_code == 201, created.text
    decline = created.json()
    assert decline["request"]["locale"] == tag
    html = decline["messages"]["email"]["html"]
    assert html.startswith(f'<!DOCTYPE html>\n<html lang="{tag}">\n'), html[:80]
    assert html.count("lang=") == 1


BRITISH = ("realised",)
AMERICAN = ("realized",)


@pytest.mark.parametrize(
    ("locale", "spelled", "never", "when"),
    [
        ("en", AMERICAN, BRITISH, "Tuesday, December 1 at 3:00 PM"),
        ("en-US", AMERICAN, BRITISH, "Tuesday, December 1 at 3:00 PM"),
        ("en-CA", AMERICAN, BRITISH, "Tuesday, December 1 at 3:00 PM"),
        ("en-GB", BRITISH, AMERICAN, "Tuesday 1 December at 3:00 pm"),
        ("en-AU", BRITISH, AMERICAN, "Tuesday 1 December at 3:00 pm"),
    ],
)
async def test_spelling_and_dates_follow_the_locale(
    client: AsyncClient,
    pinned: None,
    locale: str,
    spelled: tuple[str, ...],
    never: tuple[str, ...],
    when: str,
) -> None:
    seen: set[str] = set()
    # Each variant word appears somewhere in this spread (realise in three reasons' sentences),
    # and the wording for an interview within a day and one that has passed is read too.
    for reason, tone, hours in itertools.product(
        ["role_fit", "career_direction", "compensation"], list(Tone), [5, -3, 24 * 6]
    ):
        interview_at = (PINNED_NOW + timedelta(hours=hours)).astimezone(
            timezone(timedelta(hours=-5))
        )
        body = decline_request(
            stage="interview",
            locale=locale,
            tone=tone.value,
            reason={"category": reason},
            interview_at=interview_at.isoformat(),
        )
        response = await client.post("/v1/declines/preview", json=body)
        assert response.status_code == 200, response.text
        composed = response.json()
        text = "\n".join(every_text([composed["messages"], composed["guidance"]])).lower()
        seen.update(word for word in spelled if word in text)
        assert not [word for word in never if word in text], (reason, tone, hours)
    assert seen == set(spelled)
    # The interview six days out, in the candidate's own way of writing a date.
    body = decline_request(
        stage="interview", locale=locale, interview_at="2026-12-01T15:00:00-05:00"
    )
    email = (await client.post("/v1/declines/preview", json=body)).json()["messages"]["email"]
    assert f"so I won't be attending the interview on {when}." in email["text"]
