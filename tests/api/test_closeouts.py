"""POST/GET/DELETE /v1/closeouts: one accepted offer, every other application declined at once."""

import re
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from tests.conftest import count_rows, every_text

pytestmark = pytest.mark.anyio

ACCEPTED = {"company": "Zenith Robotics", "role": "Principal Platform Architect"}


def applications() -> list[dict[str, Any]]:
    return [
        {"stage": "candidacy", "role": "Data Engineer", "company": "Initech",
         "recipient": {"name": "Priya Okafor", "title": "Recruiter"}},
        {"stage": "offer", "role": "Staff Engineer", "company": "Globex",
         "recipient": {"name": "Jordan Lee"}, "referral": {"name": "Sam Patel"}},
        {"stage": "interview", "role": "Backend Developer", "company": "Northwind",
         "interview_at": "2026-11-26T09:00:00-05:00"},
        {"stage": "interview", "role": "SRE", "company": "Umbrella",
         "interview_at": "2026-11-25T20:00:00Z", "recipient": {"name": "Lars Silva"}},
    ]  # fmt: skip


def closeout(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "candidate": {"name": "Ana Ruiz", "email": "ana@example.com"},
        "accepted": ACCEPTED,
        "applications": applications(),
    }
    body.update(overrides)
    return body


async def count_closeouts(app: FastAPI) -> int:
    async with app.state.engine.connect() as connection:
        return int((await connection.execute(text("SELECT COUNT(*) FROM closeouts"))).scalar_one())


@pytest.mark.usefixtures("pinned")
async def test_a_closeout_declines_every_application_and_orders_the_work(
    client: AsyncClient, app: FastAPI
) -> None:
    response = await client.post("/v1/closeouts", json=closeout())

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"].startswith("clo_")
    assert response.headers["location"] == f"/v1/closeouts/{body['id']}"
    declines = body["declines"]
    assert [d["request"]["company"] for d in declines] == [
        "Initech", "Globex", "Northwind", "Umbrella"
    ]  # fmt: skip
    for decline in declines:
        assert decline["request"]["reason"]["category"] == "accepted_other_offer"
        assert decline["closeout_id"] == body["id"]
        assert decline["request"]["candidate"]["name"] == "Ana Ruiz"
        assert set(decline["messages"]) == {"email", "phone_script", "linkedin_note", "follow_ups"}
    # Soonest interview first (call those), then the offer, then the rest.
    by_id = {d["id"]: d["request"]["company"] for d in declines}
    order = list(dict.fromkeys(by_id[advice["decline_id"]] for advice in body["guidance"]))
    assert order == ["Umbrella", "Northwind", "Globex", "Initech"]
    assert body["guidance"][0]["code"] == "interview_imminent"
    assert await count_rows(app) == 4
    # Each is an ordinary decline in the log, and the closeout reads back the same.
    for decline in declines:
        assert (await client.get(f"/v1/declines/{decline['id']}")).json() == decline
    assert (await client.get(f"/v1/closeouts/{body['id']}")).json() == body


@pytest.mark.usefixtures("pinned")
async def test_the_accepted_employer_is_named_only_when_asked(client: AsyncClient) -> None:
    quiet = (await client.post("/v1/closeouts", json=closeout())).json()
    for decline in quiet["declines"]:
        words = " ".join(every_text(decline["messages"]) + every_text(decline["guidance"]))
        assert "Zenith" not in words
        assert "Principal Platform Architect" not in words
    assert "Zenith" not in str(quiet)

    named = (await client.post("/v1/closeouts", json=closeout(mention_accepted=True))).json()
    for decline in named["declines"]:
        email = decline["messages"]["email"]
        named_as = r"accepted (a position with|an offer from) Zenith Robotics\b"
        assert re.search(named_as, email["text"])
        assert "Zenith Robotics" in email["html"]
        assert "Principal Platform Architect" not in " ".join(every_text(decline["messages"]))


async def test_one_invalid_application_stores_nothing(client: AsyncClient, app: FastAPI) -> None:
    body = closeout()
    body["applications"][2]["role"] = ""
    body["applications"][3]["interview_at"] = "tomorrow"
    response = await client.post("/v1/closeouts", json=body)

    assert response.status_code == 422, response.text
    locs = {tuple(error["loc"][:4]) for error in response.json()["errors"]}
    assert locs == {
        ("body", "applications", 2, "role"),
        ("body", "applications", 3, "interview_at"),
    }
    assert await count_rows(app) == 0
    assert await count_closeouts(app) == 0


async def test_closeout_bounds_and_rules(client: AsyncClient, app: FastAPI) -> None:
    cases = [
        (closeout(applications=[]), ["body", "applications"]),
        (closeout(applications=applications() * 13), ["body", "applications"]),  # 52
        (closeout(mention_accepted="yes"), ["body", "mention_accepted"]),
        (closeout(reason={"category": "timing"}), ["body", "reason"]),
    ]
    for body, loc in cases:
        response = await client.post("/v1/closeouts", json=body)
        assert response.status_code == 422, (loc, response.text)
        assert response.json()["errors"][0]["loc"] == loc
    assert await count_rows(app) == 0
    assert await count_closeouts(app) == 0


async def test_erasing_a_closeout_erases_all_its_declines(
    client: AsyncClient, other_client: AsyncClient, app: FastAPI
) -> None:
    mine = (await client.post("/v1/closeouts", json=closeout())).json()
    other = (await client.post("/v1/closeouts", json=closeout())).json()
    first, *rest = mine["declines"]
    # The log filters on closeout_id.
    log = (await client.get("/v1/declines", params={"closeout_id": mine["id"]})).json()
    assert {d["id"] for d in log["items"]} == {d["id"] for d in mine["declines"]}
    # Another tenant cannot see or erase it.
    assert (await other_client.get(f"/v1/closeouts/{mine['id']}")).status_code == 404
    assert (await other_client.delete(f"/v1/closeouts/{mine['id']}")).status_code == 404
    # One decline erased alone leaves the others, and no trace of it in the closeout.
    assert (await client.delete(f"/v1/declines/{first['id']}")).status_code == 204
    left = (await client.get(f"/v1/closeouts/{mine['id']}")).json()
    assert [d["id"] for d in left["declines"]] == [d["id"] for d in rest]
    assert first["id"] not in str(left)

    assert (await client.delete(f"/v1/closeouts/{mine['id']}")).status_code == 204
    assert (await client.get(f"/v1/closeouts/{mine['id']}")).status_code == 404
    for decline in mine["declines"]:
        assert (await client.get(f"/v1/declines/{decline['id']}")).status_code == 404
    assert (await client.delete(f"/v1/closeouts/{mine['id']}")).status_code == 404
    assert await count_rows(app) == len(other["declines"])
    assert await count_closeouts(app) == 1
    for unknown in ("clo_nope", "dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"):
        assert (await client.get(f"/v1/closeouts/{unknown}")).status_code == 404


async def test_an_idempotent_closeout_is_replayed(client: AsyncClient, app: FastAPI) -> None:
    headers = {"Idempotency-Key": "closeout-1"}
    first = await client.post("/v1/closeouts", json=closeout(), headers=headers)
    again = await client.post("/v1/closeouts", json=closeout(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await count_rows(app) == 4
    assert await count_closeouts(app) == 1


async def test_erasing_one_closeout_decline_erases_the_stored_closeout_response_too(
    client: AsyncClient,
) -> None:
    headers = {"Idempotency-Key": "closeout-erased"}
    first = (await client.post("/v1/closeouts", json=closeout(), headers=headers)).json()
    erased = first["declines"][0]["id"]
    assert (await client.delete(f"/v1/declines/{erased}")).status_code == 204
    again = await client.post("/v1/closeouts", json=closeout(), headers=headers)
    assert erased not in again.text  # no stored copy of the erased decline comes back
