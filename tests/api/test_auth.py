"""API keys and tenants: every /v1 endpoint needs a key, and tenants never see each other."""

import hashlib
import subprocess
from collections.abc import Callable

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.store import keys as key_store
from tests.conftest import count_rows, decline_request, gracious_process, http_client

pytestmark = pytest.mark.anyio

V1_REQUESTS = [
    ("POST", "/v1/declines"),
    ("POST", "/v1/declines/preview"),
    ("GET", "/v1/declines"),
    ("GET", "/v1/declines/dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"),
    ("DELETE", "/v1/declines/dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"),
    ("GET", "/v1/reasons"),
]


async def test_every_v1_endpoint_needs_a_valid_key(anonymous: AsyncClient, app: FastAPI) -> None:
    wrong_keys = [None, "gr_live_" + "x" * 43, "not-a-key", "gr_live_"]
    for key in wrong_keys:
        async with http_client(app, key) as http:
            for method, path in V1_REQUESTS:
                response = await http.request(method, path, json=decline_request())
                assert response.status_code == 401, (key, method, path)
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert "Authorization: Bearer" in response.json()["detail"] or key
    assert await count_rows(app) == 0
    # Basic auth is not a bearer key either.
    response = await anonymous.get("/v1/reasons", headers={"Authorization": "Basic YTpi"})
    assert response.status_code == 401


BAD_BODIES = [
    ("application/json", b'{"stage": "offer",'),  # does not parse
    ("application/json", b"\xff\xfe"),  # not UTF-8
    ("text/plain", b"Thanks, but no."),  # not JSON at all
    (None, b"{}"),  # no Content-Type
]


@pytest.mark.parametrize("path", ["/v1/declines", "/v1/declines/preview"])
async def test_without_a_valid_key_the_body_is_never_judged(app: FastAPI, path: str) -> None:
    """401 before 415 or 422: a caller learns it must authenticate, whatever it sent."""
    for key in (None, "gr_live_" + "x" * 43):
        async with http_client(app, key) as http:
            for content_type, body in BAD_BODIES:
                headers = {"Content-Type": content_type} if content_type else {}
                response = await http.post(path, content=body, headers=headers)
                assert response.status_code == 401, (key, content_type, body, response.text)
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["www-authenticate"].startswith("Bearer")
    assert await count_rows(app) == 0


async def test_with_a_valid_key_a_bad_body_is_judged(client: AsyncClient, app: FastAPI) -> None:
    expected = {"application/json": 422, "text/plain": 415, None: 415}
    for content_type, body in BAD_BODIES:
        headers = {"Content-Type": content_type} if content_type else {}
        response = await client.post("/v1/declines", content=body, headers=headers)
        assert response.status_code == expected[content_type], (content_type, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        if response.status_code == 422:
            assert response.json()["errors"][0]["loc"][0] == "body"
    assert await count_rows(app) == 0


async def test_health_probes_stay_open(anonymous: AsyncClient) -> None:
    assert (await anonymous.get("/healthz")).json() == {"status": "ok"}
    assert (await anonymous.get("/readyz")).json() == {"status": "ready"}


async def test_reasons_list_the_taxonomy(client: AsyncClient) -> None:
    reasons = (await client.get("/v1/reasons")).json()["items"]
    assert [reason["category"] for reason in reasons] == [
        "accepted_other_offer",
        "role_fit",
        "career_direction",
        "compensation",
        "location",
        "timing",
        "company_fit",
        "personal",
        "other",
    ]
    by_category = {reason["category"]: reason for reason in reasons}
    assert by_category["compensation"]["ats"] == {"greenhouse": "Didn't like offer"}
    assert by_category["timing"]["ats"] == {"greenhouse": "Wasn't available"}
    assert all(reason["label"] and reason["description"] for reason in reasons)


async def test_tenants_cannot_read_list_count_or_delete_each_other(
    client: AsyncClient, other_client: AsyncClient, app: FastAPI
) -> None:
    mine = (await client.post("/v1/declines", json=decline_request(company="Mine Inc"))).json()
    theirs = (
        await other_client.post("/v1/declines", json=decline_request(company="Theirs Ltd"))
    ).json()

    assert (await other_client.get(f"/v1/declines/{mine['id']}")).status_code == 404
    assert (await other_client.delete(f"/v1/declines/{mine['id']}")).status_code == 404
    assert (await client.get(f"/v1/declines/{theirs['id']}")).status_code == 404
    for query in ["", "?company=Mine%20Inc", "?q=mine", "?stage=offer", "?limit=100"]:
        listed = (await other_client.get(f"/v1/declines{query}")).json()["items"]
        assert [item["id"] for item in listed] == ([theirs["id"]] if "ine" not in query else [])
    # A cursor made from another tenant's id reveals nothing either.
    cursor = (await client.get("/v1/declines?limit=1")).json()
    assert cursor["next_cursor"] is None
    assert (await client.get(f"/v1/declines/{mine['id']}")).status_code == 200
    assert await count_rows(app) == 2


async def test_revoked_key_stops_working_at_once(app: FastAPI) -> None:
    key_id, secret = await key_store.create_key(app.state.engine, tenant="revocable")
    async with http_client(app, secret) as http:
        assert (await http.get("/v1/reasons")).status_code == 200
        assert await key_store.revoke_key(app.state.engine, key_id)
        response = await http.get("/v1/reasons")
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_a_key_revoked_between_writes_stores_nothing(app: FastAPI) -> None:
    # Creating a decline skips the key look-up for a key this process has verified before and
    # re-checks the key in the insert itself: both insert paths (plain, and with an
    # Idempotency-Key) must refuse a key revoked in between.
    for headers in ({}, {"Idempotency-Key": "after-revocation"}):
        key_id, secret = await key_store.create_key(app.state.engine, tenant="revocable")
        async with http_client(app, secret) as http:
            assert (await http.post("/v1/declines", json=decline_request())).status_code == 201
            assert await key_store.revoke_key(app.state.engine, key_id)
            for _ in range(2):
                response = await http.post("/v1/declines", json=decline_request(), headers=headers)
                assert response.status_code == 401, response.text
                assert response.json()["detail"] == "This API key is not valid or has been revoked."
                assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert await count_rows(app) == 2
    async with app.state.engine.connect() as connection:
        claims = (await connection.execute(text("SELECT COUNT(*) FROM idempotency_keys"))).scalar()
    assert claims == 0


async def test_the_database_holds_no_usable_secret(app: FastAPI, api_key: str) -> None:
    async with app.state.engine.connect() as connection:
        rows = (await connection.execute(text("SELECT * FROM api_keys"))).all()
    dumped = " ".join(str(value) for row in rows for value in row)
    assert api_key not in dumped
    assert hashlib.sha256(api_key.encode()).hexdigest() in dumped
    assert len(api_key) >= len("gr_live_") + 32
    # Every value in the table, tried as a key, is refused.
    for row in rows:
        for value in row:
            async with http_client(app, str(value)) as http:
                assert (await http.get("/v1/reasons")).status_code == 401


def test_cli_creates_lists_and_revokes_keys(
    database_url: str, gracious: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    # The first as a process of its own: the script, its exit status and its output as a shell
    # sees them; the rest through the same main() in this process.
    created = gracious_process(database_url, "keys", "create", "--tenant", "cli-tenant")
    assert created.returncode == 0, created.stderr
    secret = created.stdout.split("Secret (shown only now, store it safely): ")[1].strip()
    key_id = created.stdout.split("Created key ")[1].split(" ")[0]
    assert secret.startswith("gr_live_")

    listing = gracious("keys", "list")
    assert key_id in listing.stdout
    assert "cli-tenant" in listing.stdout
    assert secret not in listing.stdout
    assert "active" in listing.stdout

    assert gracious("keys", "revoke", key_id).returncode == 0
    assert "revoked" in gracious("keys", "list").stdout
    assert gracious("keys", "revoke", key_id).returncode == 1
    quiet = gracious("keys", "create", "--tenant", "cli-tenant", "--quiet")
    assert quiet.stdout.strip().startswith("gr_live_")
    assert len(quiet.stdout.strip().splitlines()) == 1
