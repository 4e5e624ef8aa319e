"""Schemathesis hooks for the contract test (loaded through SCHEMATHESIS_HOOKS).

Two values are opaque tokens whose validity a schema cannot express, so generated ones are
turned into real ones (values the schema itself rejects are left alone for negative testing):
- every Idempotency-Key is made unique: a reused key rightly replays the first response (or
  refuses a different body with 422), which the generic checks would misread as the API
  rejecting valid data or losing a resource it had just created;
- a cursor that is a string within the schema's length becomes a real cursor (the API rightly
  refuses one it never issued).

The `plain-text` format (openapi.yaml names the rule instead of spelling out its regular
expression) is generated as what it says: no control characters, not only spaces.
"""

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

import schemathesis
from hypothesis import strategies as st

from app.ids import new_id
from app.store.declines import InvalidCursor, decode_cursor, encode_cursor

# Characters Python folds as whitespace (U+001C-U+001F, U+0085) are controls too: left out.
PLAIN_TEXT = st.text(
    alphabet=st.characters(exclude_categories=("Cc", "Cs")), min_size=1, max_size=40
).filter(lambda value: value.strip() != "")
schemathesis.openapi.format("plain-text", PLAIN_TEXT)

MAX_KEY = 255  # the header's maxLength in openapi.yaml
MAX_CURSOR = 200  # the cursor's maxLength in openapi.yaml


def _unique_key(value: Any) -> Any:
    if isinstance(value, str) and 0 < len(value) <= MAX_KEY:
        suffix = "-" + uuid.uuid4().hex
        return value[: MAX_KEY - len(suffix)] + suffix
    return value


def _real_cursor(value: Any) -> Any:
    if not isinstance(value, str) or len(value) > MAX_CURSOR:
        return value
    try:
        decode_cursor(value)
    except InvalidCursor:
        seed = int.from_bytes(hashlib.sha256(value.encode()).digest()[:4], "big")
        return encode_cursor(new_id(datetime.fromtimestamp(seed, UTC)))
    return value


@schemathesis.hook
def before_call(_context: schemathesis.HookContext, case: Any, _kwargs: dict[str, Any]) -> None:
    # Applied to every phase's cases (examples, coverage, fuzzing, stateful) just before sending.
    for name in list(case.headers or {}):
        if name.lower() == "idempotency-key":
            case.headers[name] = _unique_key(case.headers[name])
    if case.query and "cursor" in case.query:
        case.query["cursor"] = _real_cursor(case.query["cursor"])
