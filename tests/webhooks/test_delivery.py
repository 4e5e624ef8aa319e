"""Webhooks end to end: real receivers on loopback that verify every delivery with the
standardwebhooks library; time moved by the test's clock, never slept through."""

from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.config import Settings
from scripts.bench.receiver import receiving
from tests.conftest import decline_request
from tests.webhooks.conftest import MovableClock, drain, new_endpoint, worker_of

pytestmark = pytest.mark.anyio


async def test_a_stored_decline_arrives_signed_and_its_erasure_too(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving() as receiver:
        endpoint = await new_endpoint(client, receiver.url)
        receiver.secrets.append(endpoint["secret"])
        created = await client.post("/v1/declines", json=decline_request())
        assert created.status_code == 201
        worker = worker_of(app, settings, movable)
        await drain(worker)
        (delivery,) = await receiver.wait_for(1)
        assert delivery.verified
        event = delivery.event
        assert event["type"] == "decline.created"
        assert delivery.headers["webhook-id"] == event["id"]
        assert event["data"] == created.json()
        assert (await client.get(f"/v1/events/{event['id']}")).json() == event

        assert (await client.delete(f"/v1/declines/{created.json()['id']}")).status_code == 204
        await drain(worker)
        deleted = (await receiver.wait_for(2))[1]
        assert deleted.verified
        assert deleted.event["type"] == "decline.deleted"
        assert deleted.event["data"] == {"id": created.json()["id"]}
        # Erased everywhere: the decline.created event and its data are gone.
        assert (await client.get(f"/v1/events/{event['id']}")).status_code == 404
        listed = (await client.get("/v1/events")).json()["items"]
        assert [item["type"] for item in listed] == ["decline.deleted"]
        attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
        assert [item["event_type"] for item in attempts["items"]] == ["decline.deleted"]
        await worker.close()


async def test_a_failing_receiver_is_retried_on_the_contract_schedule(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving(answer=lambda _n: (500, {}, 0.0)) as receiver:
        endpoint = await new_endpoint(client, receiver.url)
        await client.post("/v1/declines", json=decline_request(channels=["email"]))
        worker = worker_of(app, settings, movable)
        await drain(worker)
        assert len(receiver.received) == 1
        waits = [5, 300, 1800, 7200, 18000, 36000, 36000]
        for attempt, wait in enumerate(waits, start=2):
            movable.advance(seconds=wait - 1)
            await drain(worker)
            assert len(receiver.received) == attempt - 1, f"attempt {attempt} came early"
            movable.advance(seconds=1)
            await drain(worker)
            assert len(receiver.received) == attempt, f"attempt {attempt} did not come"
        movable.advance(days=3)
        await drain(worker)
        assert len(receiver.received) == 8  # every retry spent: no more
        ids = {delivery.headers["webhook-id"] for delivery in receiver.received}
        assert len(ids) == 1  # the same webhook-id on every retry
        attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
        assert [item["attempt"] for item in attempts["items"]] == list(range(8, 0, -1))
        assert {item["response_status"] for item in attempts["items"]} == {500}
        await worker.close()


@pytest.mark.parametrize(
    ("answer", "error"),
    [((302, {"location": "http://127.0.0.1:9/"}, 0.0), "answered 302"), ((410, {}, 0.0), None)],
    ids=["redirect", "gone"],
)
async def test_redirects_are_failures_and_410_disables(
    app: FastAPI,
    client: AsyncClient,
    settings: Settings,
    movable: MovableClock,
    answer: tuple[int, dict[str, str], float],
    error: str | None,
) -> None:
    async with receiving(answer=lambda _n: answer) as receiver:
        endpoint = await new_endpoint(client, receiver.url)
        await client.post("/v1/declines", json=decline_request(channels=["email"]))
        worker = worker_of(app, settings, movable)
        await drain(worker)
        assert len(receiver.received) == 1
        state = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}")).json()
        attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
        (attempt,) = attempts["items"]
        assert attempt["response_status"] == answer[0]
        if answer[0] == 410:
            assert state["enabled"] is False
            assert "410" in state["disabled_reason"]
        else:
            assert state["enabled"] is True
            assert error in attempt["error"]
        movable.advance(seconds=5)
        await drain(worker)
        assert len(receiver.received) == (1 if answer[0] == 410 else 2)
        await worker.close()


async def test_a_receiver_that_is_down_then_fails_for_five_days_is_disabled(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving() as receiver:
        closed_url = receiver.url
    endpoint = await new_endpoint(client, closed_url)  # nothing listens there any more
    await client.post("/v1/declines", json=decline_request(channels=["email"]))
    worker = worker_of(app, settings, movable)
    await drain(worker)
    attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
    (attempt,) = attempts["items"]
    assert attempt["response_status"] is None
    assert attempt["error"]
    movable.advance(days=4, hours=23)
    await client.post("/v1/events/" + attempt["event_id"] + "/redeliver")
    await drain(worker)
    state = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}")).json()
    assert state["enabled"] is True
    movable.advance(hours=1)
    await drain(worker)
    state = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}")).json()
    assert state["enabled"] is False
    assert "5 days" in state["disabled_reason"]
    await worker.close()


@pytest.mark.long(16)
async def test_a_slow_receiver_times_out_after_15_seconds(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving(answer=lambda n: (200, {}, 16.0 if n == 1 else 0.0)) as receiver:
        endpoint = await new_endpoint(client, receiver.url)
        await client.post("/v1/declines", json=decline_request(channels=["email"]))
        worker = worker_of(app, settings, movable)
        await drain(worker)
        attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
        (attempt,) = attempts["items"]
        assert "15 s" in attempt["error"]
        assert 15_000 <= attempt["duration_ms"] < 16_000
        movable.advance(seconds=5)
        await drain(worker)
        latest = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
        assert latest["items"][0]["response_status"] == 200
        await worker.close()


async def test_a_rotated_secret_and_the_old_one_both_sign_for_24_hours(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving() as receiver:
        endpoint = await new_endpoint(client, receiver.url)
        rotated = await client.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")
        assert rotated.status_code == 200
        new_secret = rotated.json()["secret"]
        assert new_secret != endpoint["secret"]
        assert "secret" not in (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}")).json()
        await client.post("/v1/declines", json=decline_request(channels=["email"]))
        worker = worker_of(app, settings, movable)
        await drain(worker)
        (delivery,) = await receiver.wait_for(1)
        assert receiver.verified_by(endpoint["secret"], delivery)
        assert receiver.verified_by(new_secret, delivery)
        assert len(delivery.headers["webhook-signature"].split(" ")) == 2
        await worker.close()


async def test_a_follow_up_rescheduled_to_now_comes_due_once(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving() as receiver:
        endpoint = await new_endpoint(client, receiver.url, ["follow_up.due"])
        receiver.secrets.append(endpoint["secret"])
        created = (await client.post("/v1/declines", json=decline_request())).json()
        follow_up = created["messages"]["follow_ups"][0]
        now = datetime.now(UTC)
        changed = await client.patch(
            f"/v1/follow-ups/{follow_up['id']}", json={"due_at": now.isoformat()}
        )
        assert changed.status_code == 200
        movable.now = now + timedelta(seconds=1)
        worker = worker_of(app, settings, movable)
        await drain(worker)
        (delivery,) = await receiver.wait_for(1)
        assert delivery.verified
        assert delivery.event["type"] == "follow_up.due"
        assert delivery.event["data"]["id"] == follow_up["id"]
        assert delivery.event["data"]["decline_id"] == created["id"]
        assert delivery.event["data"]["status"] == "due"
        movable.advance(minutes=5)
        await drain(worker)
        assert len(receiver.received) == 1  # once
        await client.patch(
            f"/v1/follow-ups/{follow_up['id']}", json={"due_at": movable.now.isoformat()}
        )
        movable.advance(seconds=1)
        await drain(worker)
        assert len(await receiver.wait_for(2)) == 2  # and again once rescheduled
        await worker.close()


async def test_events_of_another_type_are_not_sent(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving() as receiver:
        await new_endpoint(client, receiver.url, ["decline.deleted"])
        await client.post("/v1/declines", json=decline_request(channels=["email"]))
        worker = worker_of(app, settings, movable)
        await drain(worker)
        assert receiver.received == []
        await worker.close()


async def test_events_older_than_30_days_go_with_their_deliveries(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    app.state.clock = movable  # the service's time is the worker's
    async with receiving() as receiver:
        endpoint = await new_endpoint(client, receiver.url, ["decline.created"])
        worker = worker_of(app, settings, movable)
        old = (await client.post("/v1/declines", json=decline_request())).json()
        await drain(worker)
        movable.advance(days=29)
        new = (await client.post("/v1/declines", json=decline_request())).json()
        await drain(worker)
        old_event, new_event = (delivery.event["id"] for delivery in await receiver.wait_for(2))
        movable.advance(days=1, minutes=1)
        # Past the 30 days it is no longer listed, but still stored until the worker prunes.
        assert (await client.get(f"/v1/events/{old_event}")).status_code == 200
        await drain(worker)
        await worker.close()

    assert (await client.get(f"/v1/events/{old_event}")).status_code == 404
    listed = (await client.get("/v1/events")).json()["items"]
    assert [item["id"] for item in listed] == [new_event]
    attempts = (await client.get(f"/v1/webhook-endpoints/{endpoint['id']}/deliveries")).json()
    assert [item["event_id"] for item in attempts["items"]] == [new_event]
    async with app.state.engine.connect() as connection:
        for table in ("events", "deliveries", "delivery_attempts"):
            column = "id" if table == "events" else "event_id"
            counted = await connection.execute(
                text(f"SELECT COUNT(*) FROM {table} WHERE {column} = :id"), {"id": old_event}
            )
            assert counted.scalar() == 0, table
    # The declines themselves are kept (RETENTION_DAYS decides that, not the events' 30 days).
    assert (await client.get(f"/v1/declines/{old['id']}")).status_code == 200
    assert (await client.get(f"/v1/declines/{new['id']}")).status_code == 200
