"""Tenants and API keys."""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app import keys
from app.models import ApiKey, Tenant
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


async def authenticate(engine: AsyncEngine, secret: str) -> Principal | None:
    """The principal behind a secret, or None; a revoked key is refused at once."""
    if not keys.looks_like_secret(secret):
        return None
    wanted = keys.digest(secret)
    statement = select(_keys.c.id, _keys.c.tenant_id, _keys.c.secret_sha256).where(
        _keys.c.secret_sha256 == wanted, _keys.c.revoked_at.is_(None)
    )
    async with engine.connect() as connection:
        row = (await connection.execute(statement)).first()
    # The look-up is by digest, so its timing says nothing about the secret; the constant-time
    # comparison guards against a collation that matched loosely.
    if row is None or not hmac.compare_digest(row.secret_sha256, wanted):
        return None
    return Principal(key_id=row.id, tenant_id=row.tenant_id)


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
