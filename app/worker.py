"""The worker: emits follow_up.due, queues each event for its endpoints, and delivers them.

Any number of workers may run against one database. Each pass claims endpoints with a lease
(app.store.webhooks.claim), so one worker at a time sends to an endpoint, in order; a worker
killed mid-delivery loses nothing, since what it had claimed returns to the queue when the
lease runs out and what it had not recorded as sent is sent again (at least once).
Idle, a worker looks for work every poll with one read and starts a pass when there is some.
Every ten minutes a pass also deletes events older than the 30 days they are listed for.
The clock is an object passed in, so retries can be driven through time without sleeping.
"""

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from app import delivery, ssrf
from app.config import Settings
from app.errors import DATABASE_DOWN, Throttled
from app.store import events, follow_ups, webhooks

Clock = Callable[[], datetime]
logger = logging.getLogger("gracious")

# Longer than any one attempt (15 s) and renewed after each, so a live worker keeps it.
LEASE = timedelta(seconds=30)
# Between looks for work. An idle look is one read, so PostgreSQL can afford it often (an
# event waits half of this on average before its pass starts). On SQLite every pass that finds
# work takes the one writer several times, from the requests that make the events, so a trickle
# of events is gathered for longer there.
POLL_SECONDS = {"postgresql": 0.05, "sqlite": 0.25}
ENDPOINTS_AT_ONCE = 16
DELIVERIES_PER_CLAIM = 100  # read at a time; an endpoint is sent to until none is due ...
HOLD = timedelta(seconds=10)  # ... or for this long, then handed back for the next pass
BATCH = 500  # follow-ups to emit, events to fan out, per pass
# Events are listed for 30 days; older ones go, a batch a pass, looked for this often.
PRUNE_EVERY = timedelta(minutes=10)
PRUNE_BATCH = 1000
RECORD_EVERY = 20
RECORD_WITHIN = 0.25  # seconds


class Worker:
    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *,
        clock: Clock,
        resolver: ssrf.Resolver = ssrf.system_resolver,
    ) -> None:
        self._engine = engine
        self._clock = clock
        self._poll = settings.worker_poll_seconds or POLL_SECONDS[engine.dialect.name]
        self._backlog = False
        self._queue_full = False
        self._stop = asyncio.Event()  # set by run's caller: a pass then ends at its next send
        self._pruned_at: datetime | None = None
        # A look every poll while the database is down would otherwise warn 20 times a second.
        self._down = Throttled(60.0)
        self._pool = ssrf.pool(
            allow_private=settings.webhook_allow_private_networks, resolver=resolver
        )

    async def run_once(self) -> int:
        """One pass over everything that is due now; how much was done.

        The claimed endpoints are each sent to until nothing is due to them (or for HOLD),
        and meanwhile new events are queued every poll, so an event that arrives during a
        pass goes out in it rather than waiting for the pass to end.
        """
        done = await self._queue()
        claimed = await webhooks.claim(
            self._engine, now=self._clock(), lease=LEASE, limit=ENDPOINTS_AT_ONCE
        )
        cut_short = False
        if claimed:
            delivering = asyncio.gather(*(self._deliver(endpoint) for endpoint in claimed))
            try:
                done += await self._queue_while(delivering)
            finally:
                sent = await delivering
            done += sum(count for count, _ in sent)
            cut_short = any(more for _, more in sent)
        pruned = await self._prune()
        # Straight on only when a batch was full or an endpoint was left with more: a pass
        # per trickle of new events would take the database's attention (SQLite's one writer)
        # from the requests that make them.
        self._backlog = self._queue_full or cut_short or pruned == PRUNE_BATCH
        return done + pruned

    async def _queue(self) -> int:
        """Record follow_up.due for follow-ups come due, queue new events for their endpoints."""
        emitted = await follow_ups.emit_due(self._engine, now=self._clock(), batch=BATCH)
        queued = await webhooks.fan_out(self._engine, now=self._clock(), batch=BATCH)
        self._queue_full = BATCH in (emitted, queued)
        return emitted + queued

    async def _queue_while(self, delivering: asyncio.Future[list[tuple[int, bool]]]) -> int:
        queued = 0
        while True:
            finished, _ = await asyncio.wait({delivering}, timeout=self._poll)
            if finished:
                return queued
            queued += await self._queue()

    def _prune_due(self, now: datetime) -> bool:
        return self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY

    async def _prune(self) -> int:
        now = self._clock()
        if not self._prune_due(now):
            return 0
        pruned = await events.prune(self._engine, now=now, batch=PRUNE_BATCH)
        if pruned < PRUNE_BATCH:  # else there is more, for the next pass
            self._pruned_at = now
        return pruned

    async def _deliver(self, endpoint: webhooks.Claimed) -> tuple[int, bool]:
        """Send to the endpoint, in order, until nothing is due to it or HOLD has passed; how
        many were sent, and whether it was left with more."""
        sent = 0
        results: list[webhooks.Result] = []
        started = flushed = time.monotonic()
        try:
            while True:
                # Everything sent is recorded first: an unrecorded delivery is still pending.
                due = await webhooks.due_for(
                    self._engine,
                    endpoint_id=endpoint.id,
                    now=self._clock(),
                    limit=DELIVERIES_PER_CLAIM,
                )
                if not due:
                    return sent, False
                for item in due:
                    if time.monotonic() - started > HOLD.total_seconds() or self._stop.is_set():
                        return sent, True
                    at = self._clock()
                    outcome = await delivery.attempt(self._pool, endpoint, item, at)
                    results.append(webhooks.Result(item, outcome, at))
                    sent += 1
                    if outcome.disable:
                        return sent, False
                    endpoint = replace(endpoint, failing_since=outcome.failing_since)
                    # Recorded in small batches: one transaction per attempt was most of the
                    # cost.
                    if len(results) >= RECORD_EVERY or time.monotonic() - flushed > RECORD_WITHIN:
                        await self._record(endpoint, results)
                        results, flushed = [], time.monotonic()
                await self._record(endpoint, results)
                results, flushed = [], time.monotonic()
        finally:
            with contextlib.suppress(*DATABASE_DOWN):
                await self._record(endpoint, results)
                await webhooks.release(self._engine, endpoint_id=endpoint.id)

    async def _record(self, endpoint: webhooks.Claimed, results: list[webhooks.Result]) -> None:
        await webhooks.record(self._engine, endpoint_id=endpoint.id, results=results, lease=LEASE)

    async def run(self, stop: asyncio.Event) -> None:
        """Work until `stop` is set: straight on while there is a backlog, else as soon as a
        look (every poll) finds something to do."""
        self._stop = stop
        while not stop.is_set():
            try:
                await self.run_once()
                busy = self._backlog
            except DATABASE_DOWN as error:
                self._down.warning("worker: database unavailable: %s", type(error).__name__)
                busy = False
            except Exception:
                # Loud in the log, but the next pass still runs: one bad pass must not stop
                # every delivery of the process.
                logger.exception("worker: a pass failed")
                busy = False
            if not busy:
                await self._wait_for_work(stop)

    async def _wait_for_work(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=self._poll)
            if stop.is_set():
                return
            now = self._clock()
            try:
                if self._prune_due(now) or await webhooks.work_waiting(self._engine, now=now):
                    return
            except Exception:
                return  # the pass says what is wrong, in the log, as it always has

    async def close(self) -> None:
        await self._pool.aclose()


async def serve(engine: AsyncEngine, settings: Settings, clock: Clock, stop: asyncio.Event) -> None:
    worker = Worker(engine, settings, clock=clock)
    try:
        await worker.run(stop)
    finally:
        await worker.close()
