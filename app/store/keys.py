"""Tenants and API keys."""

import hmac
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app import keys
from app.models import ApiKey, Tenant
from app.store.driver import Driver
from app.store.transaction import writing

_tenants: Table = Tenant.__table__  # type: ignore[assignment]
_keys: Table = ApiKey.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key and the tenant it belongs to."""

    key_id: str
    tenant_id: str


@dataclass(frozen=True, slots=True)
class KeyListing:
    id: str
    tenant: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None


class KnownKeys:
    """Secret digests this process has seen verified, and their principals: a hint, not a cache
    anyone trusts. A key's id and tenant never change, but it can be revoked at any moment, so
    the one route that uses the hint (creating a decline) re-checks that the key is live in the
    very statement that stores the decline; every other route looks the key up each time. A
    revocation therefore holds on every replica from the moment it commits.
    """

    def __init__(self, size: int = 10_000) -> None:
        self._size = size
        self._entries: OrderedDict[str, Principal] = OrderedDict()

    def get(self, digest: str) -> Principal | None:
        principal = self._entries.get(digest)
        if principal is not None:
            self._entries.move_to_end(digest)
        return principal

    def add(self, digest: str, principal: Principal) -> None:
        self._entries[digest] = principal
        self._entries.move_to_end(digest)
        if len(self._entries) > self._size:
            self._entries.popitem(last=False)

    def forget(self, principal: Principal) -> None:
        for digest in [d for d, known in self._entries.items() if known == principal]:
            del self._entries[digest]


async def authenticate(
    driver: Driver, secret: str, known: KnownKeys | None = None
) -> Principal | None:
    """The principal behind a secret, or None; a revoked key is refused at once.

    With `known`, a key verified before is taken from it without a look-up: only for callers
    that re-check the key in their own statement (see KnownKeys).
    """
    if not keys.looks_like_secret(secret):
        return None
    wanted = keys.digest(secret)
    if known is not None and (principal := known.get(wanted)) is not None:
        return principal
    row = await driver.find_key(wanted)
    # The look-up is by digest, so its timing says nothing about the secret; the constant-time
    # comparison guards against a collation that matched loosely.
    if row is None or not hmac.compare_digest(row[2], wanted):
        return None
    key_id, tenant_id, _digest = row
    principal = Principal(key_id=key_id, tenant_id=tenant_id)
    if known is not None:
        known.add(wanted, principal)
    return principal


async def create_key(engine: AsyncEngine, *, tenant: str) -> tuple[str, str]:
    """Create a key for the tenant named `tenant` (creating the tenant if new): (key id, secret)."""
    secret = keys.new_secret()
    key_id = keys.new_key_id()
    now = datetime.now(UTC)
    async with writing(engine) as connection:
        tenant_id = (
            await connection.execute(select(_tenants.c.id).where(_tenants.c.name == tenant))
        ).scalar_one_or_none()
        if tenant_id is None:
            tenant_id = keys.new_tenant_id()
            await connection.execute(
                insert(_tenants).values(id=tenant_id, name=tenant, created_at=now)
            )
        await connection.execute(
            insert(_keys).values(
                id=key_id,
                tenant_id=tenant_id,
                secret_sha256=keys.digest(secret),
                hint=keys.hint(secret),
                created_at=now,
            )
        )
    return key_id, secret


async def list_keys(engine: AsyncEngine) -> list[KeyListing]:
    statement = (
        select(
            _keys.c.id,
            _tenants.c.name,
            _keys.c.hint,
            _keys.c.created_at,
            _keys.c.revoked_at,
        )
        .join(_tenants, _tenants.c.id == _keys.c.tenant_id)
        .order_by(_tenants.c.name, _keys.c.created_at)
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [KeyListing(*row) for row in rows]


async def revoke_key(engine: AsyncEngine, key_id: str) -> bool:
    statement = (
        update(_keys)
        .where(_keys.c.id == key_id, _keys.c.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    async with writing(engine) as connection:
        result = await connection.execute(statement)
    return result.rowcount > 0


async def any_key(engine: AsyncEngine) -> bool:
    async with engine.connect() as connection:
        row = (await connection.execute(select(_keys.c.id).limit(1))).first()
    return row is not None
