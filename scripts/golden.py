"""`python -m scripts.golden record|compare FILE`: the write path's output, byte for byte.

A change meant only to make the write path faster must not change a byte of what it answers or
stores. `record` sends a fixed set of varied requests (the bench's bodies, batches and
closeouts, the API's examples, and hypothesis draws of hostile and realistic requests, kept in
the file so a later run sends exactly the same) through the public API on SQLite and
PostgreSQL, with the clock pinned and the ids' randomness seeded, and writes every answer and
every stored row. `compare` does it again on the current tree and names the first difference;
where the only differences are in the ids' random parts (a change that draws them differently),
it says so, having compared everything else with each id replaced by its order of appearance.
"""

import argparse
import asyncio
import json
import os
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text

from app import ids
from app.api import examples
from app.config import Settings
from app.main import create_app
from app.store import keys as key_store
from app.store import tenants
from scripts.bench import bodies
from scripts.dbtools import migrate, migrated_postgres

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
TABLES = {
    "declines": "id",
    "follow_ups": "id",
    "events": "id",
    "closeouts": "id",
    "idempotency_keys": "key",
}
# Decline, event, follow-up and closeout ids: a prefix, 10 characters of time, 16 random.
_ID = re.compile(r"\b(dcl|evt|fup|clo)_[0-9A-HJKMNP-TV-Z]{26}\b")
DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def _drawn(count: int) -> list[str]:
    """`count` hostile and `count` realistic requests, drawn reproducibly."""
    from hypothesis import HealthCheck, Phase, given, settings

    from tests.compose.strategies import realistic_requests, requests

    drawn: list[str] = []
    for strategy in (requests(), realistic_requests()):

        @settings(
            max_examples=count,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
            deadline=None,
        )
        @given(strategy)
        def collect(request: Any) -> None:
            drawn.append(request.model_dump_json())

        collect()
    return drawn


def requests_to_send(draws: int) -> dict[str, list[str]]:
    example_bodies = [
        json.dumps(example["value"]) for example in examples.REQUEST_EXAMPLES.values()
    ]
    singles = bodies.decline_bodies(64) + example_bodies + _drawn(draws)
    chunks = [singles[start : start + 50] for start in range(0, len(singles), 50)]
    batch_bodies = bodies.batch_bodies(2, 100) + [
        json.dumps({"items": [json.loads(body) for body in chunk]}) for chunk in chunks
    ]
    return {
        "singles": singles,
        "batches": batch_bodies,
        "closeouts": bodies.closeout_bodies(3, 20),
    }


@contextmanager
def seeded_ids() -> Iterator[None]:
    """Ids drawn from a seeded generator, so two runs make the same ids in the same order."""
    generator = random.Random(20261202)

    class Seeded:
        randbits = staticmethod(generator.getrandbits)

    with patch.object(ids, "secrets", Seeded), patch.object(ids, "_last", [0, 0]):
        yield


async def _answer(response: Any) -> dict[str, Any]:
    return {
        "status": response.status_code,
        "location": response.headers.get("location"),
        "replayed": response.headers.get("idempotent-replayed"),
        "content_type": response.headers.get("content-type"),
        "body": response.text,
    }


async def _run(url: str, sent: dict[str, list[str]]) -> dict[str, Any]:
    settings = Settings(
        database_url=url, rate_limit_per_minute=0, worker_embedded=False, log_level="warning"
    )
    application = create_app(settings, clock=lambda: NOW)
    out: dict[str, Any] = {"answers": [], "rows": {}}
    async with LifespanManager(application):
        engine = application.state.engine
        await tenants.create_tenant(engine, tenant_id="ten_golden", name="golden")
        _, secret = await key_store.create_key(engine, tenant="golden")
        headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
        transport = ASGITransport(app=application)
        async with AsyncClient(
            transport=transport, base_url="http://testserver", headers=headers
        ) as client:
            with seeded_ids():
                for number, body in enumerate(sent["singles"]):
                    preview = await client.post("/v1/declines/preview", content=body)
                    out["answers"].append(await _answer(preview))
                    created = await client.post("/v1/declines", content=body)
                    out["answers"].append(await _answer(created))
                    if number % 10 == 0:
                        keyed = {"Idempotency-Key": f"golden-{number}"}
                        for _ in range(2):
                            again = await client.post("/v1/declines", content=body, headers=keyed)
                            out["answers"].append(await _answer(again))
                for body in sent["batches"]:
                    batch = await client.post("/v1/declines/batch", content=body)
                    out["answers"].append(await _answer(batch))
                for body in sent["closeouts"]:
                    closeout = await client.post("/v1/closeouts", content=body)
                    out["answers"].append(await _answer(closeout))
        async with application.state.engine.connect() as connection:
            for table, order in TABLES.items():
                result = await connection.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
                out["rows"][table] = [
                    {key: _plain(value) for key, value in row._mapping.items()} for row in result
                ]
    return out


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        # SQLite gives naive UTC text back, PostgreSQL aware datetimes: the same instant.
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    return str(value)


def outputs(sent: dict[str, list[str]]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="golden-") as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'golden.db'}"
        migrate(url)
        results["sqlite"] = asyncio.run(_run(url, sent))
    admin = os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)
    with migrated_postgres(admin, "gracious_golden") as url:
        results["postgresql"] = asyncio.run(_run(url, sent))
    return results


def first_difference(path: str, old: Any, new: Any) -> str | None:
    if type(old) is not type(new):
        return f"{path}: {type(old).__name__} became {type(new).__name__}"
    if isinstance(old, dict):
        if old.keys() != new.keys():
            return f"{path}: keys {sorted(old.keys() ^ new.keys())} differ"
        for key in old:
            if found := first_difference(f"{path}.{key}", old[key], new[key]):
                return found
        return None
    if isinstance(old, list):
        if len(old) != len(new):
            return f"{path}: {len(old)} items became {len(new)}"
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            if found := first_difference(f"{path}[{index}]", before, after):
                return found
        return None
    if old != new:
        before, after = str(old), str(new)
        pairs = enumerate(zip(before, after, strict=False))
        at = next((i for i, pair in pairs if len(set(pair)) > 1), min(len(before), len(after)))
        start = max(at - 40, 0)
        return f"{path} differs at {at}: {before[start : at + 80]!r} / {after[start : at + 80]!r}"
    return None


def ids_in_order(output: Any, seen: dict[str, str] | None = None) -> Any:
    """`output` with every id replaced by its prefix and its order of first appearance."""
    seen = {} if seen is None else seen

    def token(match: re.Match[str]) -> str:
        return seen.setdefault(match.group(0), f"{match.group(1)}_#{len(seen)}")

    if isinstance(output, str):
        return _ID.sub(token, output)
    if isinstance(output, list):
        return [ids_in_order(item, seen) for item in output]
    if isinstance(output, dict):
        return {key: ids_in_order(value, seen) for key, value in output.items()}
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.golden", description=__doc__)
    parser.add_argument("mode", choices=["record", "compare"])
    parser.add_argument("file", type=Path)
    parser.add_argument("--draws", type=int, default=150, help="of each hypothesis strategy")
    args = parser.parse_args(argv)
    if args.mode == "record":
        sent = requests_to_send(args.draws)
        args.file.write_text(json.dumps({"sent": sent, "outputs": outputs(sent)}))
        answers = sum(
            len(side["answers"]) for side in json.loads(args.file.read_text())["outputs"].values()
        )
        print(f"recorded {len(sent['singles'])} requests, {answers} answers, in {args.file}")
        return 0
    golden = json.loads(args.file.read_text())
    now = outputs(golden["sent"])
    found = first_difference("outputs", golden["outputs"], now)
    if found is None:
        print("identical")
        return 0
    beyond_ids = first_difference("outputs", ids_in_order(golden["outputs"]), ids_in_order(now))
    if beyond_ids is None:
        print(f"identical but for the ids' random parts (first: {found})")
        return 0
    print(beyond_ids)
    return 1


if __name__ == "__main__":
    sys.exit(main())
