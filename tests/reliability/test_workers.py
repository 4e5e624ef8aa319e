"""Workers against a live service: embedded in the server on SQLite, and two separate
`gracious worker` processes on PostgreSQL, one of them killed with kill -9 mid-run."""

import asyncio
import os
import signal
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.worker import BATCH, DELIVERIES_PER_CLAIM
from scripts.bench import server
from scripts.bench.receiver import Receiver, receiving
from tests.reliability.live import SOAK, Service, post_declines, service

pytestmark = pytest.mark.anyio

# More than one fan-out batch, and several claims per endpoint for the workers to contend for.
EVENTS = 5_000 if SOAK else BATCH + 2 * DELIVERIES_PER_CLAIM
PRIVATE = {"WEBHOOK_ALLOW_PRIVATE_NETWORKS": "true"}


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[Service]:
    """`make run`'s shape: one server process on SQLite, with its worker inside."""
    with service("sqlite", tmp_path, **PRIVATE) as running:
        yield running


@pytest.fixture
def on_postgresql(tmp_path: Path) -> Iterator[Service]:
    if not os.environ.get("TEST_DATABASE_URL"):
        pytest.skip("needs TEST_DATABASE_URL")
    with service("postgresql", tmp_path, **PRIVATE) as running:
        yield running


async def _subscribe(live: Service, receiver: Receiver, events: list[str]) -> None:
    async with live.client() as http:
        response = await http.post(
            "/v1/webhook-endpoints", json={"url": receiver.url, "events": events}
        )
        assert response.status_code == 201, response.text
        receiver.secrets.append(response.json()["secret"])


def _worker(live: Service, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        return subprocess.Popen(
            [str(server.BIN / "gracious"), "worker"],
            cwd=server.ROOT,
            env=live.env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


async def test_the_embedded_worker_delivers_and_a_follow_up_comes_due_once(
    embedded: Service,
) -> None:
    async with receiving() as receiver:
        await _subscribe(embedded, receiver, ["decline.created", "follow_up.due"])
        async with embedded.client() as http:
            created = await http.post(
                "/v1/declines", json={**_body(), "channels": ["email", "follow_ups"]}
            )
            assert created.status_code == 201
            (first,) = await receiver.wait_for(1)
            assert first.verified
            assert first.event["data"] == created.json()
            follow_up = created.json()["messages"]["follow_ups"][0]
            now = datetime.now(UTC).isoformat()
            changed = await http.patch(f"/v1/follow-ups/{follow_up['id']}", json={"due_at": now})
            assert changed.status_code == 200
            due = (await receiver.wait_for(2, seconds=5))[1]
        assert due.verified
        assert due.event["type"] == "follow_up.due"
        assert due.event["data"]["id"] == follow_up["id"]
        await asyncio.sleep(1.5)  # several more passes of the worker
        assert len(receiver.received) == 2


def _body() -> dict[str, object]:
    return {
        "stage": "interview",
        "role": "Data Engineer",
        "company": "Acme",
        "candidate": {"name": "Ana Ruiz"},
        "reason": {"category": "accepted_other_offer"},
        # A check-in is drafted only when there is something to say, and to a person.
        "recipient": {"name": "Jordan Lee"},
        "relationship": {"company_news": "the launch of your analytics product"},
    }


def _all_arrived(receiver: Receiver) -> Callable[[], bool]:
    return lambda: len({d.headers["webhook-id"] for d in receiver.received}) >= EVENTS


async def _every_event(receivers: list[Receiver], seconds: float) -> None:
    for receiver in receivers:
        await receiver.wait_until(_all_arrived(receiver), seconds)


@pytest.mark.long(30)
@pytest.mark.parametrize("kill", [False, True], ids=["two-workers", "one-killed-mid-run"])
async def test_two_workers_deliver_every_event(
    on_postgresql: Service, tmp_path: Path, kill: bool
) -> None:
    async with receiving() as first, receiving() as second:
        receivers = [first, second]
        for receiver in receivers:
            await _subscribe(on_postgresql, receiver, ["decline.created"])
        outcomes = await post_declines(on_postgresql, EVENTS, 16)
        assert Counter(outcome.status for outcome in outcomes) == {201: EVENTS}
        workers = [_worker(on_postgresql, tmp_path / f"worker-{n}.log") for n in range(2)]
        try:
            if kill:
                await first.wait_until(lambda: len(first.received) >= EVENTS // 4, 60)
                os.kill(workers[0].pid, signal.SIGKILL)
            # A killed worker's claims come back when its 30 s lease runs out.
            await _every_event(receivers, 120)
        finally:
            for process in workers:
                _stop(process)
        for receiver in receivers:
            ids = Counter(delivery.headers["webhook-id"] for delivery in receiver.received)
            assert len(ids) == EVENTS
            assert all(delivery.verified for delivery in receiver.received)
            if not kill:
                assert max(ids.values()) == 1, "an event was delivered twice"
            # In order of creation per endpoint, as far as the one retry of a kill allows.
            order = [delivery.headers["webhook-id"] for delivery in receiver.received]
            firsts = list(dict.fromkeys(order))
            if not kill:
                assert firsts == sorted(firsts)
        assert workers[1].returncode == 0
        assert "Traceback" not in (tmp_path / "worker-1.log").read_text()
