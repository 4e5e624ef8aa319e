"""Declines stored many at a time reach a webhook receiver as single ones do."""

import pytest
from fastapi import FastAPI
from httpx import AsyncClient

from app.config import Settings
from scripts.bench.receiver import receiving
from tests.conftest import decline_request
from tests.webhooks.conftest import MovableClock, drain, new_endpoint, worker_of

pytestmark = pytest.mark.anyio


async def test_every_decline_of_a_batch_and_a_closeout_arrives_and_so_does_its_erasure(
    app: FastAPI, client: AsyncClient, settings: Settings, movable: MovableClock
) -> None:
    async with receiving() as receiver:
        endpoint = await new_endpoint(client, receiver.url)
        receiver.secrets.append(endpoint["secret"])
        batch = await client.post(
            "/v1/declines/batch",
            json={"items": [decline_request(role=f"Role {n}") for n in range(3)]},
        )
        assert batch.status_code == 201, batch.text
        closeout = await client.post(
            "/v1/closeouts",
            json={
                "candidate": {"name": "Ana Ruiz"},
                "applications": [
                    {"stage": "candidacy", "role": "Data Engineer", "company": "Initech"},
                    {"stage": "offer", "role": "Staff Engineer", "company": "Globex"},
                ],
            },
        )
        assert closeout.status_code == 201, closeout.text
        declines = batch.json()["items"] + closeout.json()["declines"]
        worker = worker_of(app, settings, movable)
        await drain(worker)
        delivered = await receiver.wait_for(len(declines))
        assert all(delivery.verified for delivery in delivered)
        assert sorted(
            (delivery.event["type"], delivery.event["data"]["id"]) for delivery in delivered
        ) == sorted(("decline.created", decline["id"]) for decline in declines)
        by_id = {delivery.event["data"]["id"]: delivery.event["data"] for delivery in delivered}
        for decline in declines:
            assert by_id[decline["id"]] == decline

        erased = await client.delete(closeout.headers["location"])
        assert erased.status_code == 204
        await drain(worker)
        deleted = (await receiver.wait_for(len(declines) + 2))[len(declines) :]
        assert all(delivery.verified for delivery in deleted)
        assert sorted(
            (delivery.event["type"], delivery.event["data"]["id"]) for delivery in deleted
        ) == sorted(("decline.deleted", d["id"]) for d in closeout.json()["declines"])
        assert all(set(delivery.event["data"]) == {"id"} for delivery in deleted)
        await worker.close()
