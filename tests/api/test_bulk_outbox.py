"""Declines stored many at a time (batches, closeouts) are stored as single ones are: with their
follow-ups as things to do and their decline.created event, in the same transaction, or not
at all; erasing a closeout erases them as single deletes do."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from httpx import AsyncClient

from tests.conftest import PINNED_NOW, decline_request

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("pinned")]

ALL_CHANNELS = ["email", "phone_script", "linkedin_note", "follow_ups"]
NEW_YORK = "America/New_York"


def batch(count: int = 3) -> dict[str, Any]:
    candidate = {"name": "Ana Ruiz", "email": "ana@example.com", "timezone": NEW_YORK}
    return {
        "items": [
            decline_request(role=f"Role {number}", channels=ALL_CHANNELS, candidate=candidate)
            for number in range(count)
        ]
    }


def closeout() -> dict[str, Any]:
    # Check-ins need someone to write to and something to say; a referral, a later time.
    keep_in_touch = {
        "recipient": {"name": "Jordan Lee"},
        "relationship": {"company_news": "the new office", "common_ground": "open source"},
    }
    return {
        "candidate": {"name": "Ana Ruiz", "email": "ana@example.com", "timezone": NEW_YORK},
        "channels": ALL_CHANNELS,
        "applications": [
            {"stage": "candidacy", "role": "Data Engineer", "company": "Initech"},
            {"stage": "offer", "role": "Staff Engineer", "company": "Globex",
             "referral": {"name": "Sam Patel", "timing": "later"}, **keep_in_touch},
            {"stage": "interview", "role": "SRE", "company": "Umbrella",
             "interview_at": "2026-11-26T09:00:00-05:00", **keep_in_touch},
        ],
    }  # fmt: skip


BULK = {
    "batch": ("/v1/declines/batch", batch, "items"),
    "closeout": ("/v1/closeouts", closeout, "declines"),
}


async def _create(client: AsyncClient, kind: str, **headers: str) -> list[dict[str, Any]]:
    path, body, field = BULK[kind]
    response = await client.post(path, json=body(), headers=headers)
    assert response.status_code == 201, response.text
    declines: list[dict[str, Any]] = response.json()[field]
    return declines


async def _all(client: AsyncClient, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url: str | None = f"{path}{'&' if '?' in path else '?'}limit=100"
    while url:
        page = (await client.get(url)).json()
        items += page["items"]
        url = f"{path}{'&' if '?' in path else '?'}limit=100&cursor={page['next_cursor']}"
        url = url if page["next_cursor"] else None
    return items


@pytest.mark.parametrize("kind", BULK)
async def test_every_decline_has_its_follow_ups_and_its_created_event(
    client: AsyncClient, kind: str
) -> None:
    declines = await _create(client, kind)

    listed = {item["id"]: item for item in await _all(client, "/v1/follow-ups")}
    events = await _all(client, "/v1/events?type=decline.created")
    assert sorted(event["data"]["id"] for event in events) == sorted(d["id"] for d in declines)
    created = {event["data"]["id"]: event for event in events}
    expected_ids = set()
    for decline in declines:
        stored = (await client.get(f"/v1/declines/{decline['id']}")).json()
        assert stored == decline
        assert created[decline["id"]]["data"] == stored
        for entry in stored["messages"]["follow_ups"]:
            assert entry["id"].startswith("fup_")
            assert entry["status"] == "scheduled"
            due = datetime.fromisoformat(entry["due_at"])
            assert due.utcoffset() == timedelta(0)
            local = due.astimezone(ZoneInfo(NEW_YORK))
            assert local.time() == time(9)
            days = (local.date() - PINNED_NOW.astimezone(ZoneInfo(NEW_YORK)).date()).days
            assert days == entry["send_after_days"]
            item = listed[entry["id"]]
            assert item["decline_id"] == decline["id"]
            assert datetime.fromisoformat(item["due_at"]) == due
            assert (item["kind"], item["subject"], item["text"], item["status"]) == (
                entry["kind"], entry["subject"], entry["text"], "scheduled"
            )  # fmt: skip
            expected_ids.add(entry["id"])
    assert expected_ids
    assert set(listed) == expected_ids


@pytest.mark.parametrize("kind", BULK)
async def test_an_invalid_item_stores_no_follow_ups_and_no_events(
    client: AsyncClient, kind: str
) -> None:
    stored = await _create(client, kind)
    path, make, _ = BULK[kind]
    body = make()
    body["items" if kind == "batch" else "applications"][1]["role"] = ""
    response = await client.post(path, json=body)

    assert response.status_code == 422, response.text
    # What the valid request stored before it, and nothing more.
    events = await _all(client, "/v1/events?type=decline.created")
    assert sorted(event["data"]["id"] for event in events) == sorted(d["id"] for d in stored)
    follow_ups = await _all(client, "/v1/follow-ups")
    assert {item["decline_id"] for item in follow_ups} == {
        d["id"] for d in stored if d["messages"]["follow_ups"]
    }
    assert len(follow_ups) == sum(len(d["messages"]["follow_ups"]) for d in stored)
    assert len(await _all(client, "/v1/declines")) == len(stored)


@pytest.mark.parametrize("kind", BULK)
async def test_an_idempotent_replay_records_no_second_set_of_events(
    client: AsyncClient, kind: str
) -> None:
    first = await _create(client, kind, **{"Idempotency-Key": f"{kind}-1"})
    again = await _create(client, kind, **{"Idempotency-Key": f"{kind}-1"})

    assert again == first
    events = await _all(client, "/v1/events?type=decline.created")
    assert sorted(event["data"]["id"] for event in events) == sorted(d["id"] for d in first)
    follow_ups = await _all(client, "/v1/follow-ups")
    assert len(follow_ups) == sum(len(d["messages"]["follow_ups"]) for d in first)


async def test_erasing_a_closeout_erases_its_follow_ups_and_reports_each_decline(
    client: AsyncClient,
) -> None:
    response = await client.post("/v1/closeouts", json=closeout())
    assert response.status_code == 201, response.text
    declines = response.json()["declines"]
    single = (await client.post("/v1/declines", json=decline_request())).json()

    assert (await client.delete(response.headers["location"])).status_code == 204

    # Only the decline made on its own is left, with its follow-ups and its event.
    remaining = await _all(client, "/v1/follow-ups")
    assert {item["decline_id"] for item in remaining} == {single["id"]}
    events = await _all(client, "/v1/events")
    deleted = [event["data"]["id"] for event in events if event["type"] == "decline.deleted"]
    assert sorted(deleted) == sorted(decline["id"] for decline in declines)
    assert [event["data"]["id"] for event in events if event["type"] == "decline.created"] == [
        single["id"]
    ]
    for decline in declines:
        assert (await client.get(f"/v1/declines/{decline['id']}")).status_code == 404
    for entry in declines[0]["messages"]["follow_ups"]:
        assert (await client.get(f"/v1/follow-ups/{entry['id']}")).status_code == 404
