"""Tenants, their keys and the admin keys that manage them, as the admin API sees them.

Secrets are returned once, when made, and stored only as SHA-256 digests (see app.keys).
Admin keys are looked up on every request, never remembered, so revoking one holds at once.
"""

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from app import keys
from app.models import AdminKey, ApiKey, Tenant
from app.store.transaction import writing

_tenants: Table = Tenant.__table__  # type: ignore[assignment]
_keys: Table = ApiKey.__table__  # type: ignore[assignment]
_admin_keys: Table = AdminKey.__table__  # type: ignore[assignment]


class TenantTaken(Exception):
    """A tenant with this id or name exists already."""


@dataclass(frozen=True, slots=True)
class TenantRecord:
    id: str
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class KeyRecord:
    id: str
    tenant_id: str
    hint: str
    created_at: datetime
    revoked_at: datetime | None


def _utc(moment: datetime) -> datetime:
    # SQLite hands back offset-less text; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def create_tenant(engine: AsyncEngine, *, tenant_id: str | None, name: str) -> TenantRecord:
    record = TenantRecord(
        id=tenant_id or keys.new_tenant_id(), name=name, created_at=datetime.now(UTC)
    )
    try:
        async with writing(engine) as connection:
            await connection.execute(
                insert(_tenants).values(id=record.id, name=name, created_at=record.created_at)
            )
    except IntegrityError:
        raise TenantTaken(record.id) from None
    return record


async def list_tenants(engine: AsyncEngine) -> list[TenantRecord]:
    statement = select(_tenants.c.id, _tenants.c.name, _tenants.c.created_at).order_by(
        _tenants.c.created_at, _tenants.c.id
    )
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return [TenantRecord(row.id, row.name, _utc(row.created_at)) for row in rows]


async def create_tenant_key(engine: AsyncEngine, *, tenant_id: str) -> tuple[KeyRecord, str] | None:
    """A new key of the tenant and its secret; None if there is no such tenant."""
    secret = keys.new_secret()
    record = KeyRecord(
        id=keys.new_key_id(),
        tenant_id=tenant_id,
        hint=keys.hint(secret),
        created_at=datetime.now(UTC),
        revoked_at=None,
    )
    async with writing(engine) as connection:
        found = await connection.execute(select(_tenants.c.id).where(_tenants.c.id == tenant_id))
        if found.first() is None:
            return None
        await connection.execute(
            insert(_keys).values(
                id=record.id,
                tenant_id=tenant_id,
                secret_sha256=keys.digest(secret),
                hint=record.hint,
                created_at=record.created_at,
            )
        )
    return record, secret


async def list_tenant_keys(engine: AsyncEngine, *, tenant_id: str) -> list[KeyRecord] | None:
    """The tenant's keys, oldest first (never their secrets); None if there is no such tenant."""
    async with engine.connect() as connection:
        found = await connection.execute(select(_tenants.c.id).where(_tenants.c.id == tenant_id))
        if found.first() is None:
            return None
        rows = (
            await connection.execute(
                select(_keys.c.id, _keys.c.tenant_id, _keys.c.hint)
                .add_columns(_keys.c.created_at, _keys.c.revoked_at)
                .where(_keys.c.tenant_id == tenant_id)
                .order_by(_keys.c.created_at, _keys.c.id)
            )
        ).all()
    return [
        KeyRecord(
            id=row.id,
            tenant_id=row.tenant_id,
            hint=row.hint,
            created_at=_utc(row.created_at),
            revoked_at=_utc(row.revoked_at) if row.revoked_at else None,
        )
        for row in rows
    ]


async def revoke_tenant_key(engine: AsyncEngine, *, key_id: str) -> bool:
    """Revoke the tenant key (at once, for every replica); False if there is no such key.

    Revoking a key that is already revoked changes nothing and is not an error.
    """
    async with writing(engine) as connection:
        found = await connection.execute(select(_keys.c.id).where(_keys.c.id == key_id))
        if found.first() is None:
            return False
        await connection.execute(
            update(_keys)
            .where(_keys.c.id == key_id, _keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return True


async def create_admin_key(engine: AsyncEngine) -> tuple[str, str]:
    """A new admin key: (key id, secret)."""
    secret = keys.new_admin_secret()
    key_id = keys.new_admin_key_id()
    async with writing(engine) as connection:
        await connection.execute(
            insert(_admin_keys).values(
                id=key_id,
                secret_sha256=keys.digest(secret),
                hint=keys.hint(secret),
                created_at=datetime.now(UTC),
            )
        )
    return key_id, secret


async def authenticate_admin(engine: AsyncEngine, secret: str) -> str | None:
    """The id of the live admin key with this secret, or None."""
    if not keys.looks_like_admin_secret(secret):
        return None
    wanted = keys.digest(secret)
    async with engine.connect() as connection:
        row = (
            await connection.execute(
                select(_admin_keys.c.id, _admin_keys.c.secret_sha256).where(
                    _admin_keys.c.secret_sha256 == wanted, _admin_keys.c.revoked_at.is_(None)
                )
            )
        ).first()
    if row is None or not hmac.compare_digest(row.secret_sha256, wanted):
        return None
    return str(row.id)


async def revoke_admin_key(engine: AsyncEngine, key_id: str) -> bool:
    async with writing(engine) as connection:
        result = await connection.execute(
            update(_admin_keys)
            .where(_admin_keys.c.id == key_id, _admin_keys.c.revoked_at.is_(None))
            .values(revoked_at=datetime.now(UTC))
        )
    return result.rowcount > 0
