"""Schemathesis hooks for the contract test (loaded through SCHEMATHESIS_HOOKS).

Two values are opaque tokens whose validity a schema cannot express, so generated ones are
turned into real ones (values the schema itself rejects are left alone for negative testing):
- every Idempotency-Key is made unique: a reused key rightly replays the first response (or
  refuses a different body with 422), which the generic checks would misread as the API
  rejecting valid data or losing a resource it had just created;
- a cursor that is a string within the schema's length becomes a real cursor of its list (the
  API rightly refuses one it never issued);
- a webhook URL becomes a public https address, and a candidate's time zone a real tz database
  name: whether a host resolves to a public address, or a name is in this machine's tz
  database, is known only at run time.

The `plain-text` format (openapi.yaml names the rule instead of spelling out its regular
expression) is generated as what it says: no control characters, not only spaces.
"""

import hashlib
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import schemathesis
from hypothesis import strategies as st

from app.ids import new_id
from app.store import events, follow_ups, pages, webhooks
from app.store.declines import decode_cursor, encode_cursor

# Characters Python folds as whitespace (U+001C-U+001F, U+0085) are controls too: left out.
PLAIN_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs", "Cf", "Cn")), min_size=1, max_size=40
).filter(lambda value: value.strip() != "")
schemathesis.openapi.format("plain-text", PLAIN_TEXT)

MAX_KEY = 255  # the header's maxLength in openapi.yaml
MAX_CURSOR = 200  # the cursor's maxLength in openapi.yaml


def _unique_key(value: Any) -> Any:
    if isinstance(value, str) and 0 < len(value) <= MAX_KEY:
        suffix = "-" + uuid.uuid4().hex
        return value[: MAX_KEY - len(suffix)] + suffix
    return value


def _real_cursor(value: Any, path: str) -> Any:
    if not isinstance(value, str) or len(value) > MAX_CURSOR:
        return value
    seed = int.from_bytes(hashlib.sha256(value.encode()).digest()[:4], "big")
    moment = datetime.fromtimestamp(seed, UTC)
    decode: Callable[[str], object]
    if path.startswith("/v1/events"):
        decode, real = events.decode_cursor, pages.encode("evt", new_id(moment, "evt_"))
    elif path.startswith("/v1/follow-ups"):
        decode = follow_ups.decode_cursor
        real = pages.encode("fup", moment.isoformat(), new_id(moment, "fup_"))
    elif path.startswith("/v1/webhook-endpoints"):
        decode, real = webhooks.decode_attempt_cursor, pages.encode("att", str(seed))
    else:
        decode, real = decode_cursor, encode_cursor(new_id(moment))
    try:
        decode(value)
    except pages.InvalidCursor:
        return real
    return value


PUBLIC_URL = "https://93.184.215.14/hooks"


def _real_values(body: Any, path: str) -> None:
    if not isinstance(body, dict):
        return
    if path.startswith("/v1/webhook-endpoints") and isinstance(body.get("url"), str):
        body["url"] = PUBLIC_URL
    # A candidate's time zone wherever a request carries one: a decline, a closeout, or each
    # item of a batch.
    items = body.get("items")
    for holder in [body, *(items if isinstance(items, list) else [])]:
        candidate = holder.get("candidate") if isinstance(holder, dict) else None
        if isinstance(candidate, dict) and isinstance(candidate.get("timezone"), str):
            candidate["timezone"] = "America/New_York"


@schemathesis.hook
def before_call(_context: schemathesis.HookContext, case: Any, _kwargs: dict[str, Any]) -> None:
    # Applied to every phase's cases (examples, coverage, fuzzing, stateful) just before sending.
    for name in list(case.headers or {}):
        if name.lower() == "idempotency-key":
            case.headers[name] = _unique_key(case.headers[name])
    path = case.operation.path
    if case.query and "cursor" in case.query:
        case.query["cursor"] = _real_cursor(case.query["cursor"], path)
    _real_values(case.body, path)
