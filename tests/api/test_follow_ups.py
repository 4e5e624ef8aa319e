"""Follow-ups as things to do: when they come due, the list, changes, refresh and erasure."""

from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from tests.conftest import PINNED_NOW, decline_request

pytestmark = pytest.mark.anyio


async def _count(app: FastAPI, table: str) -> int:
    async with app.state.engine.connect() as connection:
        return int((await connection.execute(text(f"SELECT COUNT(*) FROM {table}"))).scalar_one())


async def _create(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post("/v1/declines", json=decline_request(**overrides))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


@pytest.mark.parametrize(
    ("candidate_zone", "interview_at", "local"),
    [
        # Across daylight saving: 14:00Z in winter, 13:00Z in summer, 09:00 local in both.
        ("America/New_York", None, ZoneInfo("America/New_York")),
        ("Asia/Kolkata", "2026-12-01T15:00:00-05:00", ZoneInfo("Asia/Kolkata")),  # zone wins
        (None, "2026-12-01T15:00:00-05:00", timezone(timedelta(hours=-5))),  # the interview's
        (None, None, UTC),
    ],
)
async def test_stored_follow_ups_come_due_at_nine_in_the_candidates_zone(
    client: AsyncClient,
    pinned: None,
    candidate_zone: str | None,
    interview_at: str | None,
    local: tzinfo,
) -> None:
    candidate = {"name": "Ana Ruiz", "timezone": candidate_zone}
    created = await _create(
        client,
        candidate=candidate,
        interview_at=interview_at,
        referral={"name": "Sam Patel", "timing": "later"},
    )
    follow_ups = created["messages"]["follow_ups"]
    assert [item["kind"] for item in follow_ups] == ["referral", "check_in", "check_in"]
    for item in follow_ups:
        assert item["id"].startswith("fup_")
        assert item["status"] == "scheduled"
        due = datetime.fromisoformat(item["due_at"])
        assert due.utcoffset() == timedelta(0)
        assert due.astimezone(local).time() == time(9)
        days = (due.astimezone(local).date() - PINNED_NOW.astimezone(local).date()).days
        assert days == item["send_after_days"]
    stored = (await client.get(f"/v1/declines/{created['id']}")).json()
    assert stored["messages"]["follow_ups"] == follow_ups


async def test_a_preview_has_no_follow_up_ids(client: AsyncClient) -> None:
    preview = (await client.post("/v1/declines/preview", json=decline_request())).json()
    for item in preview["messages"]["follow_ups"]:
        assert set(item) == {"kind", "send_after_days", "subject", "text"}


@pytest.mark.parametrize("zone", ["Mars/Olympus", "../../etc/passwd", "", "EST5EDT " * 3])
async def test_an_unknown_time_zone_is_refused_and_nothing_is_stored(
    app: FastAPI, client: AsyncClient, zone: str
) -> None:
    response = await client.post(
        "/v1/declines", json=decline_request(candidate={"name": "Ana", "timezone": zone})
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["body", "candidate", "timezone"]
    assert await _count(app, "declines") == 0
    assert await _count(app, "events") == 0


async def test_the_list_is_soonest_first_with_filters_and_a_cursor(
    client: AsyncClient, other_client: AsyncClient, pinned: None
) -> None:
    first = await _create(client, referral={"name": "Sam Patel", "timing": "later"})
    second = await _create(client)
    await _create(other_client)
    mine = {item["id"] for d in (first, second) for item in d["messages"]["follow_ups"]}
    seen: list[dict[str, Any]] = []
    url: str | None = "/v1/follow-ups?limit=2"
    while url:
        response = await client.get(url)
        assert response.status_code == 200
        page = response.json()
        seen += page["items"]
        link = response.headers.get("link")
        assert (link is None) == (page["next_cursor"] is None)
        url = link.split(";")[0].strip("<>") if link else None
    assert {item["id"] for item in seen} == mine
    assert [item["due_at"] for item in seen] == sorted(item["due_at"] for item in seen)
    referrals = (await client.get("/v1/follow-ups?kind=referral")).json()["items"]
    assert [item["decline_id"] for item in referrals] == [first["id"]]
    of_second = (await client.get(f"/v1/follow-ups?decline_id={second['id']}")).json()["items"]
    assert len(of_second) == 2
    later = (PINNED_NOW + timedelta(days=100)).isoformat()
    before = (await client.get("/v1/follow-ups", params={"due_before": later})).json()["items"]
    assert {item["send_after_days"] for item in before} == {2, 90}
    assert (await client.get("/v1/follow-ups?cursor=nonsense")).status_code == 422


async def test_due_is_scheduled_with_its_time_passed(client: AsyncClient, pinned: None) -> None:
    created = await _create(client)
    check_in = created["messages"]["follow_ups"][0]
    past = (PINNED_NOW - timedelta(hours=1)).isoformat()
    changed = await client.patch(f"/v1/follow-ups/{check_in['id']}", json={"due_at": past})
    assert changed.status_code == 200
    assert changed.json()["status"] == "due"
    due = (await client.get("/v1/follow-ups?status=due")).json()["items"]
    assert [item["id"] for item in due] == [check_in["id"]]
    scheduled = (await client.get("/v1/follow-ups?status=scheduled")).json()["items"]
    assert check_in["id"] not in {item["id"] for item in scheduled}
    document = (await client.get(f"/v1/declines/{created['id']}")).json()
    entry = document["messages"]["follow_ups"][0]
    assert entry["status"] == "due"
    assert datetime.fromisoformat(entry["due_at"]) == datetime.fromisoformat(past)


async def test_marking_and_rescheduling_keep_the_decline_and_record_events(
    client: AsyncClient, other_client: AsyncClient, pinned: None
) -> None:
    created = await _create(client)
    follow_up = created["messages"]["follow_ups"][1]
    url = f"/v1/follow-ups/{follow_up['id']}"
    assert (await other_client.get(url)).status_code == 404
    assert (await other_client.patch(url, json={"status": "sent"})).status_code == 404
    sent = await client.patch(url, json={"status": "sent"})
    assert sent.json()["status"] == "sent"
    assert (await client.get(url)).json() == sent.json()
    document = (await client.get(f"/v1/declines/{created['id']}")).json()
    assert document["messages"]["follow_ups"][1]["status"] == "sent"
    assert (await client.get("/v1/follow-ups?status=sent")).json()["items"] == [sent.json()]
    for bad in ({"status": "due"}, {"due_at": "tomorrow"}, {"status": "sent", "x": 1}):
        assert (await client.patch(url, json=bad)).status_code == 422, bad
    events = (await client.get("/v1/events?type=follow_up.updated")).json()["items"]
    assert [event["data"]["status"] for event in events] == ["sent"]
    assert (await other_client.get("/v1/events")).json()["items"] == []


async def test_refresh_composes_the_check_in_again_with_todays_news(
    client: AsyncClient, pinned: None
) -> None:
    created = await _create(client)
    check_in = created["messages"]["follow_ups"][0]
    assert check_in["kind"] == "check_in"
    news = "the opening of your Lisbon office"
    response = await client.post(
        f"/v1/follow-ups/{check_in['id']}/refresh", json={"company_news": news}
    )
    assert response.status_code == 200, response.text
    refreshed = response.json()
    assert news in refreshed["text"]
    assert news not in check_in["text"]
    assert refreshed["due_at"] == check_in["due_at"]
    document = (await client.get(f"/v1/declines/{created['id']}")).json()
    assert document["messages"]["follow_ups"][0]["text"] == refreshed["text"]
    assert document["request"] == created["request"]  # the decline itself is unchanged
    bad = await client.post(f"/v1/follow-ups/{check_in['id']}/refresh", json={"news": news})
    assert bad.status_code == 422


async def test_erasing_a_decline_erases_its_follow_ups_and_events(
    app: FastAPI, client: AsyncClient, pinned: None
) -> None:
    created = await _create(client)
    follow_up = created["messages"]["follow_ups"][0]
    await client.patch(f"/v1/follow-ups/{follow_up['id']}", json={"status": "skipped"})
    assert await _count(app, "events") == 2
    assert (await client.delete(f"/v1/declines/{created['id']}")).status_code == 204
    assert (await client.get(f"/v1/follow-ups/{follow_up['id']}")).status_code == 404
    assert await _count(app, "follow_ups") == 0
    events = (await client.get("/v1/events")).json()["items"]
    assert [(event["type"], event["data"]) for event in events] == [
        ("decline.deleted", {"id": created["id"]})
    ]
    async with app.state.engine.connect() as connection:
        stored = (await connection.execute(text("SELECT data FROM events"))).scalars().all()
    assert stored == [f'{{"id":"{created["id"]}"}}']


async def test_a_stored_decline_always_has_its_event_and_a_failed_one_none(
    app: FastAPI, client: AsyncClient
) -> None:
    created = await _create(client)
    assert (await client.post("/v1/declines", json={"stage": "offer"})).status_code == 422
    events = (await client.get("/v1/events")).json()["items"]
    assert [(event["type"], event["data"]) for event in events] == [("decline.created", created)]
    keyed = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "outbox-1"}
    )
    assert keyed.status_code == 201
    assert await _count(app, "events") == 2
    assert await _count(app, "follow_ups") == 4
    assert datetime.now(UTC) > PINNED_NOW
