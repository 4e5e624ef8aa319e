"""One delivery attempt: sign the event the Standard Webhooks way, POST it, judge the answer.

A 2xx within the timeout is success. Anything else, a redirect included, is retried after
5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h; 410 Gone disables the endpoint at once, and so do
5 days of nothing but failures (as Svix does).
"""

import asyncio
import functools
import time
from datetime import datetime, timedelta

import httpcore
import httpx
from standardwebhooks.webhooks import Webhook

from app.store.webhooks import Claimed, Due, Outcome

RETRY_AFTER = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=10),
)
DISABLE_AFTER_FAILING = timedelta(days=5)
TIMEOUT_SECONDS = 15.0
# What a receiver may send back: enough to tell an answer, never a memory hazard.
MAX_RESPONSE_BYTES = 64 * 1024


def signature(secrets: list[str], event_id: str, moment: datetime, body: str) -> str:
    """`v1,<base64>` for each live secret, space-separated, as Standard Webhooks allows."""
    return " ".join(Webhook(secret).sign(event_id, moment, body) for secret in secrets)


def headers(secrets: list[str], event_id: str, moment: datetime, body: str) -> dict[str, str]:
    return {
        "content-type": "application/json",
        "user-agent": "Gracious-Webhooks/1",
        "webhook-id": event_id,
        "webhook-timestamp": str(int(moment.timestamp())),
        "webhook-signature": signature(secrets, event_id, moment, body),
    }


@functools.lru_cache(maxsize=1024)
def _target(url: str) -> httpcore.URL:
    """The URL as httpx encodes it (an IDN host, a path with spaces), which httpcore does not."""
    parsed = httpx.URL(url)
    return httpcore.URL(
        scheme=parsed.raw_scheme, host=parsed.raw_host, port=parsed.port, target=parsed.raw_path
    )


async def _post(
    pool: httpcore.AsyncConnectionPool, url: str, body: str, sent: dict[str, str]
) -> int:
    fields = [(name.encode(), value.encode()) for name, value in sent.items()]
    async with asyncio.timeout(TIMEOUT_SECONDS):
        async with pool.stream(
            "POST", _target(url), headers=fields, content=body.encode()
        ) as response:
            read = 0
            async for chunk in response.aiter_stream():
                read += len(chunk)
                if read > MAX_RESPONSE_BYTES:
                    break
            return response.status


async def attempt(
    pool: httpcore.AsyncConnectionPool, endpoint: Claimed, due: Due, now: datetime
) -> Outcome:
    sent = headers(endpoint.secrets, due.event_id, now, due.body)
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        status = await _post(pool, endpoint.url, due.body, sent)
    except TimeoutError:
        error = f"no answer within {TIMEOUT_SECONDS:g} s"
    except Exception as failed:  # refused, reset, TLS, blocked address: all a failed attempt
        error = (type(failed).__name__ + (f": {failed}" if str(failed) else ""))[:200]
    duration_ms = int((time.monotonic() - started) * 1000)
    if status is not None and 200 <= status < 300:
        return Outcome(status, None, duration_ms, True, None, None, None)
    if status is not None:
        error = f"answered {status}" + (
            " (redirects are not followed)" if 300 <= status < 400 else ""
        )
    attempts = due.attempts + 1
    next_at = now + RETRY_AFTER[attempts - 1] if attempts <= len(RETRY_AFTER) else None
    failing_since = endpoint.failing_since or now
    disable = None
    if status == 410:
        disable = "the endpoint answered 410 Gone"
    elif now - failing_since >= DISABLE_AFTER_FAILING:
        disable = "every delivery failed for 5 days"
    return Outcome(status, error, duration_ms, False, next_at, disable, failing_since)
