"""Tenants and keys managed over HTTP with admin keys, which read no declines."""

import hashlib
import subprocess
from collections.abc import AsyncIterator, Callable

import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import text

from app.config import Settings
from app.main import create_app
from app.store import tenants as tenant_store
from tests.conftest import count_rows, decline_request, gracious_process, http_client

pytestmark = pytest.mark.anyio

TENANT_ROUTES = [
    ("POST", "/v1/declines"),
    ("POST", "/v1/declines/preview"),
    ("POST", "/v1/declines/batch"),
    ("GET", "/v1/declines"),
    ("GET", "/v1/declines/export"),
    ("GET", "/v1/declines/dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"),
    ("DELETE", "/v1/declines/dcl_01JDX2Q3M4N5P6R7S8T9V0W1XY"),
    ("POST", "/v1/closeouts"),
    ("GET", "/v1/closeouts/clo_01JDX2Q3M4N5P6R7S8T9V0W1XY"),
    ("GET", "/v1/stats?group_by=reason"),
    ("GET", "/v1/reasons"),
]
ADMIN_ROUTES = [
    ("POST", "/v1/tenants"),
    ("GET", "/v1/tenants"),
    ("POST", "/v1/tenants/ten_x/keys"),
    ("GET", "/v1/tenants/ten_x/keys"),
    ("DELETE", "/v1/keys/key_x"),
]


@pytest.fixture
async def admin(app: FastAPI) -> AsyncIterator[AsyncClient]:
    _, secret = await tenant_store.create_admin_key(app.state.engine)
    async with http_client(app, secret) as http:
        yield http


async def test_an_admin_key_reads_no_declines(
    admin: AsyncClient, client: AsyncClient, app: FastAPI
) -> None:
    await client.post("/v1/declines", json=decline_request())
    for method, path in TENANT_ROUTES:
        response = await admin.request(method, path, json=decline_request())
        assert response.status_code == 403, (method, path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert "Admin keys manage tenants and keys only" in response.json()["detail"]
    assert await count_rows(app) == 1


async def test_tenant_keys_and_strangers_cannot_reach_the_admin_api(
    client: AsyncClient, anonymous: AsyncClient, app: FastAPI
) -> None:
    for method, path in ADMIN_ROUTES:
        body = {"name": "Sneaky"}
        assert (await client.request(method, path, json=body)).status_code == 403, path
        assert (await anonymous.request(method, path, json=body)).status_code == 401, path
        async with http_client(app, "gr_admin_" + "x" * 43) as forged:
            assert (await forged.request(method, path, json=body)).status_code == 401, path
    # The key is judged before the body.
    for http, status in ((anonymous, 401), (client, 403)):
        response = await http.post(
            "/v1/tenants", content=b"{", headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == status
    listing = await tenant_store.list_tenants(app.state.engine)
    assert "Sneaky" not in [tenant.name for tenant in listing]


async def test_an_admin_onboards_a_tenant_whose_key_then_works(
    admin: AsyncClient, app: FastAPI
) -> None:
    made = await admin.post("/v1/tenants", json={"name": "Acme ATS"})
    assert made.status_code == 201, made.text
    assert made.json()["id"].startswith("ten_")
    chosen = await admin.post("/v1/tenants", json={"id": "acme-42", "name": "Acme 42"})
    assert chosen.json()["id"] == "acme-42"
    assert (await admin.post("/v1/tenants", json={"name": "Acme ATS"})).status_code == 409
    assert (await admin.post("/v1/tenants", json={"id": "acme-42", "name": "B"})).status_code == 409
    bad_id = await admin.post("/v1/tenants", json={"id": "no spaces", "name": "C"})
    assert bad_id.status_code == 422
    assert bad_id.json()["errors"][0]["loc"] == ["body", "id"]
    names = [tenant["name"] for tenant in (await admin.get("/v1/tenants")).json()["items"]]
    assert {"Acme ATS", "Acme 42"} <= set(names)

    key = await admin.post("/v1/tenants/acme-42/keys")
    assert key.status_code == 201
    secret = key.json()["secret"]
    assert secret.startswith("gr_live_")
    async with http_client(app, secret) as tenant:
        created = await tenant.post("/v1/declines", json=decline_request())
        assert created.status_code == 201
    listed = (await admin.get("/v1/tenants/acme-42/keys")).json()["items"]
    assert [item["id"] for item in listed] == [key.json()["id"]]
    assert secret not in str(listed)
    assert listed[0]["hint"] == secret[:12]
    assert listed[0]["revoked_at"] is None
    values: list[str] = []
    async with app.state.engine.connect() as connection:
        for table in ("api_keys", "admin_keys"):
            rows = (await connection.execute(text(f"SELECT * FROM {table}"))).all()
            values += [str(value) for row in rows for value in row]
    stored = " ".join(values)
    assert secret not in stored
    assert hashlib.sha256(secret.encode()).hexdigest() in stored

    assert (await admin.post("/v1/tenants/nobody/keys")).status_code == 404
    assert (await admin.get("/v1/tenants/nobody/keys")).status_code == 404
    assert (await admin.delete("/v1/keys/key_unknown")).status_code == 404


@pytest.fixture
async def replica(settings: Settings, app: FastAPI) -> AsyncIterator[FastAPI]:
    """A second process serving the same database (the `app` fixture cleaned it first)."""
    application = create_app(settings)
    async with LifespanManager(application):
        yield application


async def test_revocation_over_the_api_holds_on_every_replica_at_once(
    admin: AsyncClient, app: FastAPI, replica: FastAPI
) -> None:
    tenant_id = (await admin.post("/v1/tenants", json={"name": "Replicated"})).json()["id"]
    made = (await admin.post(f"/v1/tenants/{tenant_id}/keys")).json()
    batch = {"items": [decline_request()]}
    closeout = {
        "candidate": {"name": "Ana Ruiz"},
        "applications": [{"stage": "offer", "role": "SRE", "company": "Globex"}],
    }
    async with http_client(replica, made["secret"]) as other:
        # The replica has seen the key verified, and has replies stored under keys.
        assert (await other.post("/v1/declines", json=decline_request())).status_code == 201
        replays = [
            ("/v1/declines/batch", batch, {"Idempotency-Key": "b-1"}),
            ("/v1/closeouts", closeout, {"Idempotency-Key": "c-1"}),
        ]
        for path, body, headers in replays:
            assert (await other.post(path, json=body, headers=headers)).status_code == 201
        stored = await count_rows(app)

        assert (await admin.delete(f"/v1/keys/{made['id']}")).status_code == 204

        # Replays first: a refused write makes the replica forget the key, which would hide
        # a replay served from what it remembered.
        refused = [
            *[
                await other.post(path, json=body, headers=headers)
                for path, body, headers in replays
            ],
            await other.post("/v1/declines/batch", json=batch),
            await other.post("/v1/declines", json=decline_request()),
            await other.get("/v1/declines"),
        ]
        assert [response.status_code for response in refused] == [401] * len(refused)
    assert await count_rows(app) == stored
    listed = (await admin.get(f"/v1/tenants/{tenant_id}/keys")).json()["items"]
    assert listed[0]["revoked_at"] is not None
    assert (await admin.delete(f"/v1/keys/{made['id']}")).status_code == 204  # already revoked


def test_cli_creates_admin_keys(
    database_url: str, gracious: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    created = gracious_process(database_url, "keys", "create", "--admin")
    assert created.returncode == 0, created.stderr
    assert "admin key" in created.stdout
    secret = created.stdout.split("Secret (shown only now, store it safely): ")[1].strip()
    key_id = created.stdout.split("Created key ")[1].split(" ")[0]
    assert secret.startswith("gr_admin_")
    assert key_id.startswith("adm_")
    revoked = gracious("keys", "revoke", key_id)
    assert revoked.returncode == 0, revoked.stderr
