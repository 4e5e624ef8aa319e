"""Every example openapi.yaml documents is what the service really sends (or accepts)."""

import hashlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import AsyncClient, Response

from app.config import Settings
from app.main import create_app
from app.schemas import DeclineRequest
from app.schemas_scale import CloseoutRequest, DeclineBatch
from app.store import idempotency
from app.store import keys as key_store
from app.store import tenants as tenant_store
from tests.conftest import decline_request, http_client, new_key

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
SPEC = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
UNKNOWN_ID = "dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"
BAD_KEY = {"Authorization": "Bearer gr_live_" + "x" * 43}
PUBLIC = "https://93.184.215.14/hooks"  # a public address: saved without DNS, never called
UNKNOWN = {
    "{decline_id}": UNKNOWN_ID,
    "{closeout_id}": "clo_01JDX2Q3M4N5P6R7S8T9V0W1XY",
    "{follow_up_id}": "fup_01JDX2Q3M4N5P6R7S8T9V0W1XY",
    "{endpoint_id}": "we_01JDX2Q3M4N5P6R7S8T9V0W1XY",
    "{event_id}": "evt_01JDX2Q3M4N5P6R7S8T9V0W1XY",
    "{tenant_id}": "ten_unknown",
    "{key_id}": "key_unknown",
}
ADMIN_PATHS = ("/v1/tenants", "/v1/keys")
CLOSEOUT: dict[str, Any] = {
    "candidate": {"name": "Ana Ruiz", "email": "ana@example.com"},
    "applications": [{"stage": "candidacy", "role": "Data Engineer", "company": "Initech"}],
}
# A valid body of each route that takes one (the others get a DeclineRequest).
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("post", "/v1/declines/batch"): {"items": [decline_request()]},
    ("post", "/v1/closeouts"): CLOSEOUT,
    ("post", "/v1/tenants"): {"name": "Examples Inc"},
    ("post", "/v1/webhook-endpoints"): {"url": PUBLIC, "events": ["*"]},
    ("patch", "/v1/webhook-endpoints/{endpoint_id}"): {"enabled": True},
    ("patch", "/v1/follow-ups/{follow_up_id}"): {"status": "sent"},
    ("post", "/v1/follow-ups/{follow_up_id}/refresh"): {},
}
# What each route refuses with a 422 (the default: limit=101 for a GET, an empty role).
INVALID: dict[tuple[str, str], dict[str, Any]] = {
    ("get", "/v1/declines/export"): {"params": {"format": "xml"}},
    ("get", "/v1/stats"): {"params": {}},
    ("post", "/v1/declines/batch"): {"json": {"items": [decline_request(role="")]}},
    ("post", "/v1/closeouts"): {
        "json": {**CLOSEOUT, "applications": [{**CLOSEOUT["applications"][0], "role": ""}]}
    },
    ("post", "/v1/tenants"): {"json": {"name": ""}},
    ("post", "/v1/webhook-endpoints"): {"json": {"url": PUBLIC, "events": []}},
    ("patch", "/v1/webhook-endpoints/{endpoint_id}"): {"json": {"colour": "red"}},
    ("patch", "/v1/follow-ups/{follow_up_id}"): {"json": {"colour": "red"}},
    ("post", "/v1/follow-ups/{follow_up_id}/refresh"): {"json": {"news": "a launch"}},
}
# How an Idempotency-Key's fingerprint is taken, by route (see app/api/idempotent.py).
IDEMPOTENT: dict[str, Callable[[dict[str, Any]], str]] = {
    "/v1/declines": lambda body: DeclineRequest.model_validate(body).model_dump_json(),
    "/v1/declines/batch": lambda body: (
        "createDeclineBatch\n" + DeclineBatch.model_validate(body).model_dump_json()
    ),
    "/v1/closeouts": lambda body: (
        "createCloseout\n" + CloseoutRequest.model_validate(body).model_dump_json()
    ),
}
# Where the service, not the document, is wrong: the document says what API.md promises
# ("Idempotency-Key as usual"), and the live answer must still differ from it, so that the
# day the service is fixed this entry has to go.
IDEMPOTENT_BULK = {("post", "/v1/declines/batch"), ("post", "/v1/closeouts")}
SERVICE_DIFFERS: dict[tuple[str, str, str], str] = {}


def _documented() -> list[tuple[str, str, str, dict[str, Any]]]:
    return [
        (path, method, status, response)
        for path, methods in SPEC["paths"].items()
        for method, operation in methods.items()
        for status, response in operation["responses"].items()
        if "example" in response.get("content", {}).get("application/problem+json", {})
    ]


def _comparable(body: dict[str, Any]) -> dict[str, Any]:
    """Everything but what differs between two requests: the id, and counts and seconds."""
    return {
        **body,
        "request_id": bool(re.fullmatch(r"[0-9a-f]{32}", body["request_id"])),
        "detail": re.sub(r"\d+", "N", body["detail"]),
    }


@pytest.fixture
async def limited(database_url: str) -> AsyncIterator[FastAPI]:
    application = create_app(Settings(database_url=database_url, rate_limit_per_minute=1))
    async with LifespanManager(application):
        yield application


@pytest.fixture
async def down(tmp_path: Path) -> AsyncIterator[FastAPI]:
    url = f"sqlite+aiosqlite:///{tmp_path}/missing-folder/gracious.db"
    application = create_app(Settings(database_url=url, db_timeout_seconds=2))
    async with application.router.lifespan_context(application):
        yield application


Send = Callable[[AsyncClient, str, str], Awaitable[Response]]


async def _send(http: AsyncClient, method: str, path: str, **kwargs: Any) -> Response:
    route = (method, path)
    for name, value in {**UNKNOWN, **kwargs.pop("ids", {})}.items():
        path = path.replace(name, value)
    assert "{" not in path, f"no id to fill in {path}: add one to UNKNOWN"
    if method in ("post", "patch") and "content" not in kwargs and "json" not in kwargs:
        kwargs["json"] = BODIES.get(route, decline_request())
    return await http.request(method.upper(), path, **kwargs)


async def _follow_up_that_cannot_be_composed_again(http: AsyncClient) -> str:
    """A check-in about news: without the news (and common ground, and a better-fit role to
    ask about instead) there is no check-in."""
    relationship = {"company_news": "the launch", "common_ground": "data tooling"}
    body = decline_request(
        channels=["email", "follow_ups"], relationship=relationship, preferred_role=None
    )
    created = await http.post("/v1/declines", json=body)
    assert created.status_code == 201, created.text
    check_ins = [
        item for item in created.json()["messages"]["follow_ups"] if item["kind"] == "check_in"
    ]
    return str(check_ins[0]["id"])


async def test_every_documented_problem_is_what_the_service_sends(
    app: FastAPI, client: AsyncClient, api_key: str, limited: FastAPI, down: FastAPI
) -> None:
    principal = await key_store.authenticate(app.state.driver, api_key, None)
    assert principal is not None
    _, admin_key = await tenant_store.create_admin_key(app.state.engine)

    async def provoke(admin: AsyncClient, path: str, method: str, status: str) -> Response | None:
        # Each route is called with the kind of key it serves, and refuses the other (403).
        own, other = (admin, client) if path.startswith(ADMIN_PATHS) else (client, admin)
        if status == "401":
            return await _send(own, method, path, headers=BAD_KEY)
        if status == "403":
            return await _send(other, method, path)
        if status == "404":
            return await _send(own, method, path)
        if status == "409" and path in IDEMPOTENT:
            # A first request with this key is still running: its claim's transaction is open.
            # (On SQLite, one writer, the second request would wait for it instead: PostgreSQL
            # shows this answer, see tests/api/test_attacks.py.)
            if app.state.engine.dialect.name == "sqlite":
                return None
            body = BODIES.get((method, path), decline_request())
            key = f"in-flight {path}"
            async with idempotency.keyed(
                app.state.engine,
                tenant_id=principal.tenant_id,
                key=key,
                fingerprint=hashlib.sha256(IDEMPOTENT[path](body).encode()).hexdigest(),
                now=datetime.now(UTC),
            ):
                return await _send(own, method, path, json=body, headers={"Idempotency-Key": key})
        if status == "409" and path == "/v1/tenants":
            await _send(own, method, path, json={"name": "Taken Inc"})
            return await _send(own, method, path, json={"name": "Taken Inc"})
        if status == "409" and path.endswith("/refresh"):
            follow_up = await _follow_up_that_cannot_be_composed_again(client)
            return await _send(
                own,
                method,
                path,
                ids={"{follow_up_id}": follow_up},
                json={"company_news": None, "common_ground": None},
            )
        if status == "413":
            big = "x" * (1_100_000 if (method, path) in IDEMPOTENT_BULK else 70_000)
            return await _send(own, method, path, json={"role": big})
        if status == "415":
            return await _send(
                own, method, path, content=b"{}", headers={"content-type": "text/plain"}
            )
        if status == "422":
            if (method, path) in INVALID:
                return await _send(own, method, path, **INVALID[(method, path)])
            if method == "get":
                return await _send(own, method, path, params={"limit": 101})
            return await _send(own, method, path, json=decline_request(role=""))
        if status == "429":
            if own is admin:
                _, key = await tenant_store.create_admin_key(limited.state.engine)
            else:
                key = await new_key(limited, "limited")
            async with http_client(limited, key) as http:
                await _send(http, method, path)
                return await _send(http, method, path)
        if status == "503":
            async with http_client(down, BAD_KEY["Authorization"].split()[1]) as http:
                return await _send(http, method, path)
        raise AssertionError(f"no way to provoke {status} for {method} {path}: add one")

    documented = _documented()
    assert len(documented) > 20
    async with http_client(app, admin_key) as admin:
        for path, method, status, response in documented:
            example = response["content"]["application/problem+json"]["example"]
            live = await provoke(admin, path, method, status)
            if live is None:
                continue
            where = f"{method.upper()} {path} {status}"
            assert live.status_code == int(status), (where, live.text)
            assert live.headers["content-type"] == "application/problem+json", where
            if (method, path, status) in SERVICE_DIFFERS:
                assert _comparable(live.json()) != _comparable(example), (
                    f"{where} is right now: drop it from SERVICE_DIFFERS"
                )
                continue
            assert _comparable(live.json()) == _comparable(example), (where, live.text)
            for header in response.get("headers", {}):
                if not header.startswith("RateLimit") or live.status_code == 429:
                    assert header.lower() in live.headers, (where, header)


async def test_every_documented_request_example_is_accepted(client: AsyncClient) -> None:
    examples = SPEC["paths"]["/v1/declines"]["post"]["requestBody"]["content"]["application/json"]
    assert examples["examples"]
    for name, example in examples["examples"].items():
        created = await client.post("/v1/declines", json=example["value"])
        assert created.status_code == 201, (name, created.text)
        preview = await client.post("/v1/declines/preview", json=example["value"])
        assert preview.status_code == 200, (name, preview.text)


def test_request_examples_carry_no_date_that_will_pass() -> None:
    moments = re.findall(r"\d{4}-\d{2}-\d{2}T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})", yaml.safe_dump(SPEC))
    request_examples = [
        example["value"]
        for methods in SPEC["paths"].values()
        for operation in methods.values()
        for example in operation.get("requestBody", {})
        .get("content", {})
        .get("application/json", {})
        .get("examples", {})
        .values()
    ]
    dated = re.findall(r"\d{4}-\d{2}-\d{2}T[^'\"]+", yaml.safe_dump(request_examples))
    assert dated, "the examples show an interview time"
    for moment in dated:
        when = datetime.fromisoformat(moment.strip())
        assert when.year >= datetime.now(UTC).year + 50, moment
    assert moments
