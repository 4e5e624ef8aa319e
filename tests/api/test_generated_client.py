"""A Python client generated from openapi.yaml by openapi-python-client, driven through every
operation against the app: what an integrator's generated code meets, including values the
API adds to its enums after the client was generated."""

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from fastapi import FastAPI
from httpx import ASGITransport
from sqlalchemy import text

from app.config import Settings
from app.store import tenants as tenant_store

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PACKAGE = "gracious_client"
MINIMAL = {  # the README's example request, with only what it needs
    "stage": "offer",
    "role": "Senior Data Engineer",
    "company": "Acme Analytics",
    "candidate": {"name": "Ana Ruiz", "email": "ana@example.com"},
    "reason": {"category": "career_direction"},
    "channels": ["email"],
}
PUBLIC = "https://93.184.215.14/hooks"  # a public address: accepted without DNS
NEWS = "the launch of your real-time analytics product"


@pytest.fixture
def settings(database_url: str) -> Settings:
    # No worker: the webhook endpoint below is never called (the tests make no network calls).
    return Settings(database_url=database_url, rate_limit_per_minute=0, worker_embedded=False)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("client")
    # The generator formats its output with ruff, which the venv has: nothing is downloaded.
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [
            str(BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(ROOT / "openapi.yaml"),
            "--output-path",
            str(folder / PACKAGE),
            "--meta",
            "none",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    # Anything it could not turn into code is a warning, and a piece missing from the client.
    assert "Warning" not in result.stdout, result.stdout
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))
        for name in [name for name in sys.modules if name.startswith(PACKAGE)]:
            del sys.modules[name]


def _module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


Driver = Callable[[Any, Any, dict[str, Any]], Awaitable[None]]


async def _healthz(_client: Any, anonymous: Any, _seen: dict[str, Any]) -> None:
    health = await _module("api.health.healthz").asyncio(client=anonymous)
    assert type(health).__name__ == "Health"
    assert health.status == "ok"


async def _readyz(_client: Any, anonymous: Any, _seen: dict[str, Any]) -> None:
    ready = await _module("api.health.readyz").asyncio(client=anonymous)
    assert type(ready).__name__ == "Readiness"
    assert ready.status == "ready"


async def _list_reasons(client: Any, _anonymous: Any, _seen: dict[str, Any]) -> None:
    reasons = await _module("api.reasons.list_reasons").asyncio(client=client)
    assert "career_direction" in [item.category for item in reasons.items]


def _request(**overrides: Any) -> Any:
    """The minimal request, built as an integrator would: constructors, defaults left out."""
    models = _module("models")
    fields = {**MINIMAL, **overrides}
    return models.DeclineRequest(
        stage=models.Stage(fields["stage"]),
        role=fields["role"],
        company=fields["company"],
        candidate=models.Candidate.from_dict(fields["candidate"]),
        reason=models.Reason.from_dict(fields["reason"]),
        channels=[models.Channel(channel) for channel in fields["channels"]],
    )


async def _preview_decline(client: Any, _anonymous: Any, _seen: dict[str, Any]) -> None:
    preview = await _module("api.declines.preview_decline").asyncio(client=client, body=_request())
    assert preview.request.tone == "warm"  # the default, filled in and echoed
    assert preview.messages.email.subject


def _check_in_request() -> Any:
    """A request whose follow-ups include a check-in about the company's news (check-ins go to
    a named person only)."""
    models = _module("models")
    body = _request(channels=["email", "follow_ups"])
    body.recipient = models.Recipient(name="Jordan Lee")
    body.relationship = models.Relationship(company_news="the new office")
    return body


async def _create_decline(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    # The defaults survive in the generated model: tone is warm, not "unset".
    body = _check_in_request()
    assert body.tone == "warm"
    assert body.linkedin_limit == 200
    response = await _module("api.declines.create_decline").asyncio_detailed(
        client=client, body=body
    )
    assert response.status_code == 201
    assert response.headers["location"] == f"/v1/declines/{response.parsed.id}"
    seen["id"] = response.parsed.id

    refused = await _module("api.declines.create_decline").asyncio_detailed(
        client=client, body=_request(role="")
    )
    assert refused.status_code == 422
    problem = refused.parsed
    assert type(problem).__name__ == "Problem"
    assert problem.code == "validation_error"
    assert problem.request_id == refused.headers["x-request-id"]
    assert problem.errors[0].loc == ["body", "role"]
    assert problem.errors[0].msg


async def _list_declines(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    page = await _module("api.declines.list_declines").asyncio(
        client=client, company="acme analytics", limit=1
    )
    assert [item.id for item in page.items] == [seen["id"]]


async def _get_decline(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    decline = await _module("api.declines.get_decline").asyncio(
        client=client, decline_id=seen["id"]
    )
    assert decline.id == seen["id"]


async def _create_webhook_endpoint(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    models = _module("models")
    body = models.EndpointCreate(
        url=PUBLIC, events=[models.EventType.DECLINE_CREATED], description="ATS"
    )
    response = await _module("api.webhooks.create_webhook_endpoint").asyncio_detailed(
        client=client, body=body
    )
    assert response.status_code == 201
    endpoint = response.parsed
    assert type(endpoint).__name__ == "EndpointWithSecret"
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.events == ["decline.created"]
    assert response.headers["location"] == f"/v1/webhook-endpoints/{endpoint.id}"
    seen["endpoint"] = endpoint


async def _list_webhook_endpoints(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    listed = await _module("api.webhooks.list_webhook_endpoints").asyncio(client=client)
    assert [item.id for item in listed.items] == [seen["endpoint"].id]
    assert "secret" not in listed.items[0].to_dict()


async def _get_webhook_endpoint(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    endpoint = await _module("api.webhooks.get_webhook_endpoint").asyncio(
        seen["endpoint"].id, client=client
    )
    assert endpoint.url == PUBLIC
    assert endpoint.description == "ATS"
    assert endpoint.enabled is True


async def _update_webhook_endpoint(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    change = _module("models").EndpointChange(description="The ATS", events=["*"])
    endpoint = await _module("api.webhooks.update_webhook_endpoint").asyncio(
        seen["endpoint"].id, client=client, body=change
    )
    assert endpoint.description == "The ATS"
    assert endpoint.events == ["*"]
    assert endpoint.url == PUBLIC  # what the change left out stays


async def _rotate_webhook_secret(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    rotated = await _module("api.webhooks.rotate_webhook_secret").asyncio(
        seen["endpoint"].id, client=client
    )
    assert rotated.id == seen["endpoint"].id
    assert rotated.secret.startswith("whsec_")
    assert rotated.secret != seen["endpoint"].secret


async def _create_decline_batch(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    batch = _module("models").DeclineBatch(
        items=[_request(company="Northwind"), _request(company="Globex")]
    )
    response = await _module("api.declines.create_decline_batch").asyncio_detailed(
        client=client, body=batch
    )
    assert response.status_code == 201
    items = response.parsed.items
    assert [item.request.company for item in items] == ["Northwind", "Globex"]
    seen["batch"] = [item.id for item in items]


async def _list_events(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    page = await _module("api.webhooks.list_events").asyncio(
        client=client, type_=_module("models").EventType.DECLINE_CREATED, limit=100
    )
    assert seen["id"] in [event.data["id"] for event in page.items]
    assert {event.type_ for event in page.items} == {"decline.created"}
    seen["event"] = next(event for event in page.items if event.data["id"] == seen["id"])


async def _get_event(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    event = await _module("api.webhooks.get_event").asyncio(seen["event"].id, client=client)
    assert event.id == seen["event"].id
    assert event.type_ == "decline.created"
    assert event.data["request"]["company"] == "Acme Analytics"


async def _redeliver_event(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    response = await _module("api.webhooks.redeliver_event").asyncio_detailed(
        seen["event"].id, client=client
    )
    assert response.status_code == 202
    assert response.parsed.event_id == seen["event"].id
    assert response.parsed.endpoints == 1  # the one endpoint, subscribed to everything


async def _list_webhook_deliveries(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    # Queued, not attempted: there is no worker here (see `settings`), so nothing was sent.
    page = await _module("api.webhooks.list_webhook_deliveries").asyncio(
        seen["endpoint"].id, client=client
    )
    assert type(page).__name__ == "AttemptPage"
    assert page.items == []
    assert page.next_cursor is None


async def _list_follow_ups(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    page = await _module("api.follow_ups.list_follow_ups").asyncio(
        client=client, decline_id=seen["id"]
    )
    assert [item.kind for item in page.items] == ["check_in"]
    assert page.items[0].status == "scheduled"
    seen["follow_up"] = page.items[0]


async def _get_follow_up(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    follow_up = await _module("api.follow_ups.get_follow_up").asyncio(
        seen["follow_up"].id, client=client
    )
    assert follow_up.decline_id == seen["id"]
    assert follow_up.text == seen["follow_up"].text


async def _update_follow_up(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    models = _module("models")
    change = models.FollowUpChange(status=models.FollowUpChangeStatus.SKIPPED)
    follow_up = await _module("api.follow_ups.update_follow_up").asyncio(
        seen["follow_up"].id, client=client, body=change
    )
    assert follow_up.status == "skipped"
    assert follow_up.due_at == seen["follow_up"].due_at


async def _refresh_follow_up(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    follow_up = await _module("api.follow_ups.refresh_follow_up").asyncio(
        seen["follow_up"].id,
        client=client,
        body=_module("models").FollowUpRefresh(company_news=NEWS),
    )
    assert NEWS in follow_up.text
    assert follow_up.id == seen["follow_up"].id


async def _create_closeout(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    models = _module("models")
    body = models.CloseoutRequest(
        candidate=models.Candidate(name="Ana Ruiz", email="ana@example.com"),
        applications=[
            models.Application(
                stage=models.Stage.CANDIDACY, role="Data Engineer", company="Initech"
            ),
            models.Application(stage=models.Stage.OFFER, role="Staff Engineer", company="Umbrella"),
        ],
    )
    response = await _module("api.closeouts.create_closeout").asyncio_detailed(
        client=client, body=body
    )
    assert response.status_code == 201
    closeout = response.parsed
    assert closeout.id.startswith("clo_")
    assert response.headers["location"] == f"/v1/closeouts/{closeout.id}"
    assert sorted(item.request.company for item in closeout.declines) == ["Initech", "Umbrella"]
    assert {item.request.reason.category for item in closeout.declines} == {"accepted_other_offer"}
    seen["closeout"] = closeout


async def _get_closeout(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    closeout = await _module("api.closeouts.get_closeout").asyncio(
        seen["closeout"].id, client=client
    )
    assert closeout.id == seen["closeout"].id
    assert [item.id for item in closeout.declines] == [
        item.id for item in seen["closeout"].declines
    ]


async def _export_declines(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    models = _module("models")
    closeout = seen["closeout"]
    text = await _module("api.declines.export_declines").asyncio(
        client=client, format_=models.ExportDeclinesFormat.NDJSON, closeout_id=closeout.id
    )
    rows = [json.loads(line) for line in text.splitlines()]
    assert sorted(row["id"] for row in rows) == sorted(item.id for item in closeout.declines)
    assert {row["closeout_id"] for row in rows} == {closeout.id}
    csv = await _module("api.declines.export_declines").asyncio(client=client, company="globex")
    header, row, *rest = csv.lstrip("\ufeff").splitlines()
    assert header.startswith("id,")
    assert not rest
    assert row.startswith(seen["batch"][1] + ",")


async def _get_stats(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    stats = await _module("api.declines.get_stats").asyncio(
        client=client, group_by=_module("models").GetStatsGroupBy.REASON
    )
    counts = {item.key: item.count for item in stats.items}
    assert counts["career_direction"] == 3  # the decline and the batch's two
    assert counts["accepted_other_offer"] == 2  # the closeout's
    assert stats.total == 5


async def _create_tenant(_client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    body = _module("models").TenantCreate(id="acme-ats", name="Acme ATS")
    response = await _module("api.admin.create_tenant").asyncio_detailed(
        client=seen["admin"], body=body
    )
    assert response.status_code == 201
    assert (response.parsed.id, response.parsed.name) == ("acme-ats", "Acme ATS")
    taken = await _module("api.admin.create_tenant").asyncio_detailed(
        client=seen["admin"], body=body
    )
    assert taken.status_code == 409
    assert taken.parsed.code == "conflict"


async def _list_tenants(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    tenants = await _module("api.admin.list_tenants").asyncio(client=seen["admin"])
    assert "acme-ats" in [tenant.id for tenant in tenants.items]
    refused = await _module("api.admin.list_tenants").asyncio_detailed(client=client)
    assert refused.status_code == 403  # a tenant key manages no tenants
    assert refused.parsed.code == "forbidden"


async def _create_tenant_key(_client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    key = await _module("api.admin.create_tenant_key").asyncio("acme-ats", client=seen["admin"])
    assert key.tenant_id == "acme-ats"
    assert key.secret.startswith("gr_live_")
    assert key.hint == key.secret[:12]
    seen["tenant_key"] = key


async def _list_tenant_keys(_client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    keys = await _module("api.admin.list_tenant_keys").asyncio("acme-ats", client=seen["admin"])
    assert [key.id for key in keys.items] == [seen["tenant_key"].id]
    assert keys.items[0].revoked_at is None
    assert "secret" not in keys.items[0].to_dict()


async def _revoke_key(_client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    response = await _module("api.admin.revoke_key").asyncio_detailed(
        seen["tenant_key"].id, client=seen["admin"]
    )
    assert response.status_code == 204
    keys = await _module("api.admin.list_tenant_keys").asyncio("acme-ats", client=seen["admin"])
    assert keys.items[0].revoked_at is not None


async def _delete_closeout(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    response = await _module("api.closeouts.delete_closeout").asyncio_detailed(
        seen["closeout"].id, client=client
    )
    assert response.status_code == 204
    for decline in seen["closeout"].declines:  # erased with it
        gone = await _module("api.declines.get_decline").asyncio_detailed(
            client=client, decline_id=decline.id
        )
        assert gone.status_code == 404


async def _delete_webhook_endpoint(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    response = await _module("api.webhooks.delete_webhook_endpoint").asyncio_detailed(
        seen["endpoint"].id, client=client
    )
    assert response.status_code == 204
    listed = await _module("api.webhooks.list_webhook_endpoints").asyncio(client=client)
    assert listed.items == []


async def _delete_decline(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    response = await _module("api.declines.delete_decline").asyncio_detailed(
        client=client, decline_id=seen["id"]
    )
    assert response.status_code == 204
    again = await _module("api.declines.get_decline").asyncio_detailed(
        client=client, decline_id=seen["id"]
    )
    assert again.status_code == 404
    assert again.parsed.code == "not_found"


# In the order they run: creation before reading, deletion last. Every operation of
# openapi.yaml needs a driver here; a new one fails the test below until it has one.
# Admin operations use seen["admin"], a client with an admin key.
DRIVERS: dict[str, Driver] = {
    "healthz": _healthz,
    "readyz": _readyz,
    "listReasons": _list_reasons,
    "previewDecline": _preview_decline,
    "createWebhookEndpoint": _create_webhook_endpoint,
    "listWebhookEndpoints": _list_webhook_endpoints,
    "getWebhookEndpoint": _get_webhook_endpoint,
    "updateWebhookEndpoint": _update_webhook_endpoint,
    "rotateWebhookSecret": _rotate_webhook_secret,
    "createDecline": _create_decline,
    "listDeclines": _list_declines,
    "getDecline": _get_decline,
    "createDeclineBatch": _create_decline_batch,
    "listEvents": _list_events,
    "getEvent": _get_event,
    "redeliverEvent": _redeliver_event,
    "listWebhookDeliveries": _list_webhook_deliveries,
    "listFollowUps": _list_follow_ups,
    "getFollowUp": _get_follow_up,
    "updateFollowUp": _update_follow_up,
    "refreshFollowUp": _refresh_follow_up,
    "createCloseout": _create_closeout,
    "getCloseout": _get_closeout,
    "exportDeclines": _export_declines,
    "getStats": _get_stats,
    "createTenant": _create_tenant,
    "listTenants": _list_tenants,
    "createTenantKey": _create_tenant_key,
    "listTenantKeys": _list_tenant_keys,
    "revokeKey": _revoke_key,
    "deleteCloseout": _delete_closeout,
    "deleteWebhookEndpoint": _delete_webhook_endpoint,
    "deleteDecline": _delete_decline,
}


def _operation_ids() -> set[str]:
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    return {
        operation["operationId"]
        for methods in spec["paths"].values()
        for operation in methods.values()
        if isinstance(operation, dict)
    }


def _clients(generated: ModuleType, app: FastAPI, key: str) -> tuple[Any, Any]:
    transport = {"transport": ASGITransport(app=app)}
    base = "http://testserver"
    client = generated.AuthenticatedClient(base_url=base, token=key, httpx_args=transport)
    return client, generated.Client(base_url=base, httpx_args=transport)


async def test_every_operation_through_the_generated_client(
    generated: ModuleType, app: FastAPI, api_key: str
) -> None:
    missing = _operation_ids() - set(DRIVERS)
    assert not missing, f"no generated-client driver for {sorted(missing)}"
    client, anonymous = _clients(generated, app, api_key)
    _, admin_key = await tenant_store.create_admin_key(app.state.engine)
    admin, _ = _clients(generated, app, admin_key)
    seen: dict[str, Any] = {"admin": admin}
    async with client, anonymous, admin:
        for driver in DRIVERS.values():
            await driver(client, anonymous, seen)


async def test_the_generated_client_reads_enum_values_added_later(
    generated: ModuleType, app: FastAPI, api_key: str
) -> None:
    client, anonymous = _clients(generated, app, api_key)
    async with client, anonymous:
        created = await _module("api.declines.create_decline").asyncio(
            client=client, body=_request(channels=["email", "linkedin_note", "follow_ups"])
        )
        # A document as a later version of the service writes it, one new value per enum
        # (a replica running that version shares this database during a rolling deploy).
        async with app.state.engine.begin() as connection:
            stored = (
                await connection.execute(
                    text("SELECT document FROM declines WHERE id = :id"), {"id": created.id}
                )
            ).scalar_one()
            document = json.loads(stored)
            document["guidance"][0].update(code="a_code_added_later", severity="critical")
            document["request"]["reason"]["category"] = "a_reason_added_later"
            document["request"]["stage"] = "a_stage_added_later"
            document["request"]["tone"] = "a_tone_added_later"
            document["request"]["channels"].append("a_channel_added_later")
            document["request"]["locale"] = "fr-CA"
            document["request"]["linkedin_limit"] = 500
            document["request"]["a_field_added_later"] = True
            document["messages"]["linkedin_note"]["kind"] = "a_kind_added_later"
            document["messages"]["follow_ups"] = [
                {"kind": "a_kind_added_later", "send_after_days": 2, "subject": "s", "text": "t"}
            ]
            await connection.execute(
                text("UPDATE declines SET document = :document WHERE id = :id"),
                {"document": json.dumps(document), "id": created.id},
            )
        later = await _module("api.declines.get_decline").asyncio(
            client=client, decline_id=created.id
        )
    assert later.guidance[0].code == "a_code_added_later"
    assert later.guidance[0].severity == "critical"
    assert later.request.reason.category == "a_reason_added_later"
    assert later.request.stage == "a_stage_added_later"
    assert later.request.tone == "a_tone_added_later"
    assert later.request.channels[-1] == "a_channel_added_later"
    assert later.request.locale == "fr-CA"
    assert later.request.linkedin_limit == 500
    assert later.messages.linkedin_note.kind == "a_kind_added_later"
    assert later.messages.follow_ups[0].kind == "a_kind_added_later"
