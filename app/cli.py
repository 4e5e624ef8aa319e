"""`gracious`: manage API keys from the command line (secrets are shown once, at creation)."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncEngine

from app.config import get_settings
from app.db import create_engine
from app.store import keys as key_store


async def _with_engine(action: Callable[[AsyncEngine], Awaitable[int]]) -> int:
    engine = create_engine(get_settings())
    try:
        return await action(engine)
    finally:
        await engine.dispose()


def _create(tenant: str, quiet: bool) -> Callable[[AsyncEngine], Awaitable[int]]:
    async def run(engine: AsyncEngine) -> int:
        key_id, secret = await key_store.create_key(engine, tenant=tenant)
        if quiet:
            print(secret)
        else:
            print(f"Created key {key_id} for tenant {tenant!r}.")
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
        if await key_store.revoke_key(engine, key_id):
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gracious", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    keys_parser = commands.add_parser("keys", help="create, list and revoke API keys")
    keys_commands = keys_parser.add_subparsers(dest="action", required=True)
    create = keys_commands.add_parser("create", help="create a key (and its tenant if new)")
    create.add_argument("--tenant", required=True, help="the tenant's name")
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
    args = parser.parse_args(argv)

    if args.command == "serve":
        from app.serve import serve  # uvicorn is only needed here, not by the key commands

        settings = get_settings()
        overrides = {"host": args.host, "port": args.port}
        serve(settings.model_copy(update={k: v for k, v in overrides.items() if v is not None}))
        return 0
    action: Callable[[AsyncEngine], Awaitable[int]]
    if args.command == "bootstrap":
        action = _bootstrap(args.host, args.port)
    elif args.action == "create":
        action = _create(args.tenant, args.quiet)
    elif args.action == "list":
        action = _list
    else:
        action = _revoke(args.key_id)
    return asyncio.run(_with_engine(action))


if __name__ == "__main__":
    sys.exit(main())
