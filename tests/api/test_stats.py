"""GET /v1/stats: counts of the caller's declines by reason, stage or month, over a time range."""

from datetime import datetime

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from tests.conftest import decline_request

pytestmark = pytest.mark.anyio


async def create_at(app: FastAPI, client: AsyncClient, moment: str, **overrides: object) -> None:
    real = app.state.clock
    app.state.clock = lambda: datetime.fromisoformat(moment)
    try:
        response = await client.post("/v1/declines", json=decline_request(**overrides))
    finally:
        app.state.clock = real
    assert response.status_code == 201


async def test_counts_by_reason_stage_and_month_within_dates(
    client: AsyncClient, other_client: AsyncClient, app: FastAPI
) -> None:
    await create_at(app, client, "2026-09-30T23:59:59+00:00", stage="interview")
    await create_at(app, client, "2026-10-01T00:00:00+00:00", reason={"category": "timing"})
    await create_at(app, client, "2026-10-15T12:00:00+00:00", reason={"category": "timing"})
    await create_at(app, client, "2026-11-02T08:00:00+00:00", stage="candidacy")
    await create_at(app, other_client, "2026-10-15T12:00:00+00:00")  # another tenant's

    async def stats(**params: str) -> dict[str, int]:
        response = await client.get("/v1/stats", params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["group_by"] == params["group_by"]
        counts = {item["key"]: item["count"] for item in body["items"]}
        assert body["total"] == sum(counts.values())
        return counts

    by_reason = await stats(group_by="reason")
    assert by_reason["timing"] == 2
    assert by_reason["career_direction"] == 2
    assert by_reason["accepted_other_offer"] == 0  # every reason is listed
    assert await stats(group_by="stage") == {"interview": 1, "candidacy": 1, "offer": 2}
    assert await stats(group_by="month") == {"2026-09": 1, "2026-10": 2, "2026-11": 1}
    october = {"created_after": "2026-09-30T23:59:59Z", "created_before": "2026-11-01T00:00:00Z"}
    assert await stats(group_by="month", **october) == {"2026-10": 2}
    assert (await stats(group_by="reason", **october))["timing"] == 2
    # Months are UTC months, whatever offset the bounds are written in.
    late = {"created_after": "2026-10-31T20:00:00-05:00"}
    assert await stats(group_by="month", **late) == {"2026-11": 1}


async def test_stats_refuse_what_they_cannot_count(client: AsyncClient) -> None:
    for params in ({}, {"group_by": "company"}, {"group_by": "month", "created_after": "soon"}):
        response = await client.get("/v1/stats", params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"


async def test_months_of_a_range_that_starts_and_ends_inside_them(
    client: AsyncClient, app: FastAPI
) -> None:
    # By month the range is also read as a range of months: the months it starts and ends in
    # are counted, in part, and nothing outside the times.
    for moment in (
        "2025-12-31T23:59:59+00:00",
        "2026-01-10T00:00:00+00:00",
        "2026-01-31T23:59:59+00:00",
        "2026-02-03T00:00:00+00:00",
        "2026-02-20T00:00:00+00:00",
    ):
        await create_at(app, client, moment)
    response = await client.get(
        "/v1/stats",
        params={
            "group_by": "month",
            "created_after": "2026-01-05T00:00:00+01:00",
            "created_before": "2026-02-10T00:00:00Z",
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(item["key"], item["count"]) for item in body["items"]] == [
        ("2026-01", 2),
        ("2026-02", 1),
    ]
    assert body["total"] == 3
