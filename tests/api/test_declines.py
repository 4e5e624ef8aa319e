"""Compose, store, read and erase declines through the HTTP API."""

import re
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.conftest import count_rows, decline_request, every_text

pytestmark = pytest.mark.anyio


async def test_create_returns_the_stored_decline_with_its_location(
    client: AsyncClient, app: FastAPI
) -> None:
    response = await client.post("/v1/declines", json=decline_request())

    assert response.status_code == 201
    decline = response.json()
    assert response.headers["location"] == f"/v1/declines/{decline['id']}"
    assert decline["id"].startswith("dcl_")
    assert len(decline["id"]) == 30
    assert decline["created_at"].endswith("Z")
    email = decline["messages"]["email"]
    assert "Senior Data Engineer" in email["text"]
    assert "Acme Analytics" in email["text"]
    assert email["text"].startswith("Hi Jordan,\n")
    assert "Ana Ruiz" in email["text"]
    assert "Sam Patel" in email["text"]
    assert email["html"].lstrip().lower().startswith("<!doctype html>")
    assert decline["request"]["tone"] == "warm"  # defaults are filled in
    assert decline["request"]["relationship"]["keep_in_touch"] is True
    assert decline["template_version"]
    assert await count_rows(app) == 1

    stored = await client.get(response.headers["location"])
    assert stored.status_code == 200
    assert stored.json() == decline


async def test_all_channels_by_default_and_only_requested_ones_otherwise(
    client: AsyncClient,
) -> None:
    everything = (await client.post("/v1/declines", json=decline_request())).json()
    assert set(everything["messages"]) == {"email", "phone_script", "linkedin_note", "follow_ups"}

    body = decline_request(channels=["linkedin_note"])
    some = (await client.post("/v1/declines", json=body)).json()
    assert set(some["messages"]) == {"email", "linkedin_note"}
    assert some["request"]["channels"] == ["email", "linkedin_note"]
    stored = (await client.get(f"/v1/declines/{some['id']}")).json()
    assert set(stored["messages"]) == {"email", "linkedin_note"}


async def test_ids_are_unique_and_sort_by_creation(client: AsyncClient) -> None:
    ids = [
        (await client.post("/v1/declines", json=decline_request())).json()["id"] for _ in range(5)
    ]
    assert len(set(ids)) == 5
    assert ids == sorted(ids)


async def test_preview_composes_without_storing(client: AsyncClient, app: FastAPI) -> None:
    response = await client.post("/v1/declines/preview", json=decline_request(tone="formal"))

    assert response.status_code == 200
    preview = response.json()
    assert "id" not in preview
    assert "created_at" not in preview
    assert (
        "Acme Analytics"
        in preview["messages"]["email"]["subject"] + preview["messages"]["email"]["text"]
    )
    assert await count_rows(app) == 0


async def test_delete_erases_the_decline(client: AsyncClient, app: FastAPI) -> None:
    decline_id = (await client.post("/v1/declines", json=decline_request())).json()["id"]

    deleted = await client.delete(f"/v1/declines/{decline_id}")
    assert deleted.status_code == 204
    assert deleted.content == b""

    missing = await client.get(f"/v1/declines/{decline_id}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert (await client.delete(f"/v1/declines/{decline_id}")).status_code == 404
    assert await count_rows(app) == 0


async def test_unknown_and_malformed_ids_are_404(client: AsyncClient) -> None:
    for decline_id in ["dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY", "nope", "dcl_" + "Z" * 26, "%00"]:
        response = await client.get(f"/v1/declines/{decline_id}")
        assert response.status_code == 404, decline_id
        problem: dict[str, Any] = response.json()
        assert problem["status"] == 404
        assert problem["title"] == "Not Found"


async def test_user_text_is_literal_in_text_and_escaped_in_html(client: AsyncClient) -> None:
    body = decline_request(
        role="{{ 7*7 }} Engineer",
        company="<script>alert(1)</script> Corp",
    )
    decline = (await client.post("/v1/declines", json=body)).json()
    email = decline["messages"]["email"]

    assert "{{ 7*7 }} Engineer" in email["text"]
    assert "49" not in email["text"]
    assert "<script>alert(1)</script> Corp" in email["text"]
    assert "<script>" not in email["html"]
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Corp" in email["html"]
    assert decline["request"]["company"] == "<script>alert(1)</script> Corp"


@pytest.mark.parametrize(
    "phone", ["(312) 555-0147", "+1 (312) 555-0147", "312-555-0147", "+44 (0)20 7946 0123"]
)
async def test_phone_numbers_as_people_write_them_are_accepted(
    client: AsyncClient, phone: str
) -> None:
    candidate = {"name": "Ana Ruiz", "phone": phone}
    response = await client.post("/v1/declines/preview", json=decline_request(candidate=candidate))
    assert response.status_code == 200, response.text
    assert phone in response.json()["messages"]["phone_script"]["voicemail"]


@pytest.mark.parametrize("strengths", ["... five years of Go", "...", "— ten years, .", ", ;"])
async def test_strengths_with_words_of_punctuation_alone_are_stored(
    client: AsyncClient, strengths: str
) -> None:
    referral = {"name": "Sam Patel", "strengths": strengths, "timing": "now"}
    response = await client.post("/v1/declines", json=decline_request(referral=referral))
    assert response.status_code == 201, response.text[:300]
    text = response.json()["messages"]["email"]["text"]
    assert all(word in text for word in re.findall(r"\w+", strengths)), text


@pytest.mark.parametrize(
    "news", ["your new office !", "the launch of Orbit .", "!", "Dr. of years !"]
)
async def test_news_ending_in_a_spaced_full_stop_or_exclamation_is_stored(
    client: AsyncClient, news: str
) -> None:
    body = decline_request(relationship={"company_news": news})
    response = await client.post("/v1/declines", json=body)
    assert response.status_code == 201, response.text[:300]
    check_ins = [f["text"] for f in response.json()["messages"]["follow_ups"]]
    words = re.findall(r"\w+", news)
    assert any(all(word in text for word in words) for text in check_ins), check_ins


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ({"relationship": {"company_news": "you just opened a lab in Leeds !"}}, "a lab in Leeds"),
        ({"relationship": {"common_ground": "we both rowed at McGill ."}}, "rowed at McGill"),
        (
            {"preferred_role": {"title": "Staff Engineer", "note": "on your data team ,"}},
            "Staff Engineer role on your data team",
        ),
        (
            {"preferred_role": {"title": "Staff Engineer", "note": "if the team goes remote ."}},
            "If the team goes remote,",
        ),
        (
            {"referral": {"name": "Sam Patel", "relationship": "she reported to me at Sophos ."}},
            "who reported to me at Sophos",
        ),
    ],
)
async def test_a_text_ending_in_a_spaced_mark_is_stored(
    client: AsyncClient, typed: dict[str, Any], said: str
) -> None:
    # Our sentences take the mark off such a text; the space before it went with it.
    response = await client.post("/v1/declines", json=decline_request(**typed))
    assert response.status_code == 201, response.text[:300]
    assert any(said in text for text in every_text(response.json()["messages"])), said
