"""`gracious`: manage API keys (secrets are shown once, at creation) and run the worker."""

import argparse
import asyncio
import signal
import sys
from collections.abc import Awaitable, Callable

import uvloop
from sqlalchemy.ext.asyncio import AsyncEngine

from app.api.deps import utc_now
from app.config import get_settings
from app.db import create_engine
from app.keys import ADMIN_KEY_ID_PREFIX
from app.store import keys as key_store
from app.store import tenants as tenant_store
from app.worker import serve


async def _with_engine(action: Callable[[AsyncEngine], Awaitable[int]]) -> int:
    engine = create_engine(get_settings())
    try:
        return await action(engine)
    finally:
        await engine.dispose()


def _create(tenant: str | None, quiet: bool) -> Callable[[AsyncEngine], Awaitable[int]]:
    async def run(engine: AsyncEngine) -> int:
        if tenant is None:
            key_id, secret = await tenant_store.create_admin_key(engine)
            whose = "an admin key (it manages tenants and keys, and reads no declines)"
        else:
            key_id, secret = await key_store.create_key(engine, tenant=tenant)
            whose = f"tenant {tenant!r}"
        if quiet:
            print(secret)
        else:
            print(f"Created key {key_id} for {whose}.")
            print(f"Secret (shown only now, store it safely): {secret}")
        return 0

    return run


async def _list(engine: AsyncEngine) -> int:
    listing = await key_store.list_keys(engine)
    if not listing:
        print("No keys yet. Create one with: gracious keys create --tenant NAME")
        return 0
    print(f"{'KEY ID':<22} {'TENANT':<24} {'STARTS WITH':<14} {'CREATED':<20} STATUS")
    for key in listing:
        status = f"revoked {key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "active"
        print(
            f"{key.id:<22} {key.tenant:<24} {key.hint + '…':<14} "
            f"{key.created_at:%Y-%m-%d %H:%M:%S}  {status}"
        )
    return 0


def _revoke(key_id: str) -> Callable[[AsyncEngine], Awaitable[int]]:
    async def run(engine: AsyncEngine) -> int:
        revoke = tenant_store.revoke_admin_key if key_id.startswith(ADMIN_KEY_ID_PREFIX) else None
        if await (revoke or key_store.revoke_key)(engine, key_id):
            print(f"Revoked {key_id}; it stops working immediately.")
            return 0
        print(f"No active key with id {key_id}.", file=sys.stderr)
        return 1

    return run


def _bootstrap(host: str, port: str) -> Callable[[AsyncEngine], Awaitable[int]]:
    async def run(engine: AsyncEngine) -> int:
        if await key_store.any_key(engine):
            return 0
        _, secret = await key_store.create_key(engine, tenant="local")
        print("A first API key was created for this database (it is shown only this once):")
        print(f"\n    {secret}\n")
        print(f"In the docs console (http://{host}:{port}/docs) press Authorize and paste it;")
        print("with curl, send it as: -H 'Authorization: Bearer <key>'.")
        return 0

    return run


async def _hint(engine: AsyncEngine) -> int:
    # The container runs this before it serves: its log says how to get in, never a secret.
    if not await key_store.any_key(engine):
        print("Gracious has no API key yet. Make the first one (its secret is shown once) with:")
        print("    gracious keys create --tenant NAME")
        print("in a container: docker exec -it CONTAINER gracious keys create --tenant NAME")
    return 0


async def _work(engine: AsyncEngine) -> int:
    """Deliver events and emit due follow-ups until SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    print("Gracious worker running; stop it with Ctrl-C or SIGTERM.", flush=True)
    await serve(engine, get_settings(), utc_now, stop)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gracious", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    keys_parser = commands.add_parser("keys", help="create, list and revoke API keys")
    keys_commands = keys_parser.add_subparsers(dest="action", required=True)
    create = keys_commands.add_parser("create", help="create a key (and its tenant if new)")
    whose = create.add_mutually_exclusive_group(required=True)
    whose.add_argument("--tenant", help="the tenant's name")
    whose.add_argument(
        "--admin", action="store_true", help="an admin key, for the tenant and key admin API"
    )
    create.add_argument("--quiet", action="store_true", help="print only the secret")
    keys_commands.add_parser("list", help="list keys (never their secrets)")
    revoke = keys_commands.add_parser("revoke", help="revoke a key at once")
    revoke.add_argument("key_id")
    serve_parser = commands.add_parser("serve", help="run the service (settings: see README)")
    serve_parser.add_argument("--host", help="default: HOST, else 127.0.0.1")
    serve_parser.add_argument("--port", type=int, help="default: PORT, else 8000")
    bootstrap = commands.add_parser("bootstrap", help="create a first key if there is none")
    bootstrap.add_argument("--host", default="127.0.0.1")
    bootstrap.add_argument("--port", default="8000")
    commands.add_parser("hint", help="say how to make the first key, if there is none")
    commands.add_parser("worker", help="deliver webhooks and emit due follow-ups")
    args = parser.parse_args(argv)

    if args.command == "serve":
        from app.serve import serve  # uvicorn is only needed here, not by the key commands

        settings = get_settings()
        overrides = {"host": args.host, "port": args.port}
        serve(settings.model_copy(update={k: v for k, v in overrides.items() if v is not None}))
        return 0
    action: Callable[[AsyncEngine], Awaitable[int]]
    if args.command == "worker":
        action = _work
    elif args.command == "bootstrap":
        action = _bootstrap(args.host, args.port)
    elif args.command == "hint":
        action = _hint
    elif args.action == "create":
        action = _create(args.tenant, args.quiet)
    elif args.action == "list":
        action = _list
    else:
        action = _revoke(args.key_id)
    if args.command == "worker":
        # uvloop, as the server runs on: a delivery's round trip is mostly event-loop and
        # socket work, and a worker sends to one endpoint one delivery at a time.
        return uvloop.run(_with_engine(action))
    return asyncio.run(_with_engine(action))


if __name__ == "__main__":
    sys.exit(main())
