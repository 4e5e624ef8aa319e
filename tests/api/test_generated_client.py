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


async def _create_decline(client: Any, _anonymous: Any, seen: dict[str, Any]) -> None:
    # The defaults survive in the generated model: tone is warm, not "unset".
    body = _request()
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
DRIVERS: dict[str, Driver] = {
    "healthz": _healthz,
    "readyz": _readyz,
    "listReasons": _list_reasons,
    "previewDecline": _preview_decline,
    "createDecline": _create_decline,
    "listDeclines": _list_declines,
    "getDecline": _get_decline,
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
    seen: dict[str, Any] = {}
    async with client, anonymous:
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
