"""Creating a decline answers the same whichever way its arguments are solved.

The common request (JSON, a bearer key, a valid body, no Idempotency-Key) skips FastAPI's
general solving (app/api/presolve.py); everything else takes it. These tests get the general
path's answer to compare with by giving the endpoint a solver that declines every request.
"""

import json
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies import utils as fastapi_solving
from httpx import AsyncClient, Response

from app.api import declines
from tests.conftest import count_rows, decline_request

pytestmark = pytest.mark.anyio

VALID = json.dumps(decline_request())
# (what the case is, headers to set or drop (None), the body as sent)
CASES: list[tuple[str, dict[str, str | None], str | bytes]] = [
    ("valid", {}, VALID),
    ("valid, +json media type", {"content-type": "application/problem+json"}, VALID),
    ("valid, a charset", {"content-type": "application/json; charset=utf-8"}, VALID),
    ("an invalid field", {}, json.dumps(decline_request(stage="hired"))),
    ("an unknown field", {}, json.dumps(decline_request(mood="sad"))),
    ("a field twice", {}, VALID[:-1] + ', "stage": "hired"}'),
    ("malformed JSON", {}, b'{"stage": '),
    ("an empty body", {}, b""),
    ("a JSON array", {}, b"[1, 2]"),
    ("NaN", {}, VALID[:-1] + ', "linkedin_limit": NaN}'),
    ("a lone surrogate escape", {}, VALID.replace("Acme Analytics", "Acme \\ud800")),
    ("invalid UTF-8", {}, VALID.encode().replace(b"Acme", b"Ac\xffme")),
    ("no key", {"authorization": None}, VALID),
    ("no key, invalid body", {"authorization": None}, b'{"stage": "hired"}'),
    ("basic auth", {"authorization": "Basic YTpi"}, VALID),
    ("bearer, no token", {"authorization": "Bearer "}, VALID),
    ("an unknown key", {"authorization": "Bearer gr_live_" + "x" * 43}, VALID),
    ("text/plain", {"content-type": "text/plain"}, VALID),
    ("no content type", {"content-type": None}, VALID),
]


async def _post(client: AsyncClient, headers: dict[str, str | None], body: str | bytes) -> Response:
    sent = {"content-type": "application/json", **client.headers}
    for name, value in headers.items():
        sent.pop(name, None)
        if value is not None:
            sent[name] = value
    request = client.build_request("POST", "/v1/declines", content=body)
    request.headers.clear()
    request.headers.update({"content-length": str(len(request.content)), **sent})
    return await client.send(request)


async def _general(
    client: AsyncClient, headers: dict[str, str | None], body: str | bytes
) -> Response:
    """The answer FastAPI's general solving gives."""

    async def decline_every_request(request: object) -> None:
        return None

    endpoint = declines.create_decline
    solver = endpoint.__presolver__  # type: ignore[attr-defined]
    endpoint.__presolver__ = decline_every_request  # type: ignore[attr-defined]
    try:
        return await _post(client, headers, body)
    finally:
        endpoint.__presolver__ = solver  # type: ignore[attr-defined]


def _comparable(response: Response) -> dict[str, Any]:
    """What a caller sees, minus what differs between any two creations (id, time)."""
    body = response.json()
    if response.status_code == 201:
        body = {key: value for key, value in body.items() if key not in ("id", "created_at")}
        for follow_up in body["messages"].get("follow_ups", []):
            del follow_up["id"], follow_up["due_at"]
    else:
        body.pop("request_id")  # each request has its own
    return {
        "status": response.status_code,
        "content-type": response.headers.get("content-type"),
        "www-authenticate": response.headers.get("www-authenticate"),
        "location": "location" in response.headers,
        "body": body,
    }


@pytest.mark.parametrize(("case", "headers", "body"), CASES, ids=[case for case, _, _ in CASES])
async def test_the_shortcut_answers_as_the_general_path_does(
    app: FastAPI,
    client: AsyncClient,
    case: str,
    headers: dict[str, str | None],
    body: str | bytes,
) -> None:
    shortcut = await _post(client, headers, body)
    stored = await count_rows(app)
    general = await _general(client, headers, body)
    assert _comparable(shortcut) == _comparable(general), case
    assert await count_rows(app) == 2 * stored


async def test_a_common_request_skips_fastapis_general_solving(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[object] = []
    solve_body = fastapi_solving.request_body_to_args

    async def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return await solve_body(*args, **kwargs)

    monkeypatch.setattr(fastapi_solving, "request_body_to_args", counted)
    assert (await client.post("/v1/declines", json=decline_request())).status_code == 201
    assert calls == []
    response = await client.post(
        "/v1/declines", json=decline_request(), headers={"Idempotency-Key": "k1"}
    )
    assert response.status_code == 201
    assert len(calls) == 1
