"""`alembic check` on a fresh SQLite file and, with TEST_DATABASE_URL, a fresh PostgreSQL database.

Each database is migrated up, checked for drift against the models, migrated down to nothing
and up again, so both directions of every migration are exercised.
"""

import asyncio
import os
import sys
import tempfile
import uuid
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

ROOT = Path(__file__).resolve().parents[1]


def _check(url: str) -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["database_url"] = url
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    command.check(config)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    command.check(config)


async def _admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        _check(f"sqlite+aiosqlite:///{folder}/check.db")
        print("alembic check: SQLite ok")
    admin_url = os.environ.get("TEST_DATABASE_URL")
    if admin_url:
        name = f"gracious_check_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin(admin_url, f'CREATE DATABASE "{name}"'))
        try:
            _check(make_url(admin_url).set(database=name).render_as_string(hide_password=False))
        finally:
            asyncio.run(_admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        print("alembic check: PostgreSQL ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
