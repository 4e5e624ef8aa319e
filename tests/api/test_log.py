"""The searchable log: newest first, every filter, keyset cursor and Link header."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.conftest import decline_request

pytestmark = pytest.mark.anyio

STAGES = ["interview", "candidacy", "offer"]
REASONS = ["role_fit", "compensation", "location", "timing", "other"]
COMPANIES = ["Acme Analytics", "Northwind", "Globex"]
START = datetime(2026, 1, 1, tzinfo=UTC)


def _at(decline: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(decline["created_at"])


async def _seed(client: AsyncClient, app: FastAPI, count: int) -> list[dict[str, Any]]:
    """Store `count` varied declines, one minute apart, and return them oldest first."""
    ticks = itertools.count()
    real = app.state.clock
    app.state.clock = lambda: START + timedelta(minutes=next(ticks))
    created = []
    for index in range(count):
        body = decline_request(
            stage=STAGES[index % 3],
            reason={"category": REASONS[index % 5]},
            company=COMPANIES[index % 3],
            role=f"Engineer {index}",
            candidate={"name": f"Candidate {index}"},
            channels=["email"],
        )
        response = await client.post("/v1/declines", json=body)
        assert response.status_code == 201, response.text
        created.append(response.json())
    app.state.clock = real
    return created


async def _walk(client: AsyncClient, url: str) -> tuple[list[str], int]:
    ids: list[str] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        response = await client.get(next_url)
        assert response.status_code == 200, response.text
        page = response.json()
        pages += 1
        ids.extend(item["id"] for item in page["items"])
        link = response.headers.get("link")
        if page["next_cursor"] is None:
            assert link is None
            next_url = None
        else:
            assert link is not None
            assert link.endswith('>; rel="next"')
            next_url = link[1 : link.index(">")]
            assert f"cursor={page['next_cursor']}" in next_url
    return ids, pages


async def test_log_pages_through_every_decline_exactly_once(
    client: AsyncClient, app: FastAPI
) -> None:
    created = await _seed(client, app, 250)
    newest_first = [decline["id"] for decline in reversed(created)]

    ids, pages = await _walk(client, "/v1/declines?limit=7")
    assert ids == newest_first
    assert pages == 36

    default_page = (await client.get("/v1/declines")).json()
    assert len(default_page["items"]) == 20
    assert default_page["items"][0] == created[-1]

    # Each filter narrows to exactly the matching declines, still newest first, across pages.
    expectations: dict[str, Any] = {
        "stage=candidacy": lambda d: d["request"]["stage"] == "candidacy",
        "reason=timing": lambda d: d["request"]["reason"]["category"] == "timing",
        "company=northwind": lambda d: d["request"]["company"] == "Northwind",
        "company=GLOBEX&stage=offer": lambda d: (
            d["request"]["company"] == "Globex" and d["request"]["stage"] == "offer"
        ),
        "q=engineer%2024": lambda d: "engineer 24" in d["request"]["role"].lower(),
        "q=CANDIDATE%2013": lambda d: "candidate 13" in d["request"]["candidate"]["name"].lower(),
        "q=jordan": lambda d: True,
        "created_after=2026-01-01T02:00:00Z": lambda d: _at(d) > START + timedelta(hours=2),
        "created_before=2026-01-01T02:00:00%2B01:00": lambda d: _at(d) < START + timedelta(hours=1),
        "created_after=2026-01-01T01:00:00Z&created_before=2026-01-01T03:00:00Z": lambda d: (
            START + timedelta(hours=1) < _at(d) < START + timedelta(hours=3)
        ),
    }
    for query, matches in expectations.items():
        expected = [d["id"] for d in reversed(created) if matches(d)]
        found, _ = await _walk(client, f"/v1/declines?limit=13&{query}")
        assert found == expected, query
        assert 0 < len(expected) <= 250


async def test_q_matches_literal_wildcards_only(client: AsyncClient, app: FastAPI) -> None:
    await client.post("/v1/declines", json=decline_request(role="100% Remote_Lead"))
    await client.post("/v1/declines", json=decline_request(role="Other Role"))

    for q, expected in [("100%", 1), ("e_l", 1), ("%", 1), ("_", 1), ("zzz", 0)]:
        page = (await client.get("/v1/declines", params={"q": q})).json()
        assert len(page["items"]) == expected, q


async def test_empty_log(client: AsyncClient) -> None:
    response = await client.get("/v1/declines")
    assert response.json() == {"items": [], "next_cursor": None}
    assert "link" not in response.headers


async def test_bad_log_parameters_are_422_naming_the_parameter(client: AsyncClient) -> None:
    cases = {
        "limit=0": "limit",
        "limit=101": "limit",
        "stage=hired": "stage",
        "reason=boredom": "reason",
        "cursor=not-a-cursor": "cursor",
        "created_after=yesterday": "created_after",
        "created_before=2026-01-01T00:00:00": "created_before",
    }
    for query, name in cases.items():
        response = await client.get(f"/v1/declines?{query}")
        assert response.status_code == 422, query
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert name in problem["detail"]
        assert any(error["loc"][-1] == name for error in problem["errors"]), query
